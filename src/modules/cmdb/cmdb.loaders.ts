/** Per-request DataLoaders: a page of N CIs with relationships and related CIs costs a fixed number of queries. */
import DataLoader from 'dataloader';
import type { Db } from '../../shared/db';
import * as repo from './cmdb.repository';
import type { EntityRecord } from './cmdb.types';

export interface CmdbLoaders {
  entity: DataLoader<string, EntityRecord | null>;
  /** Relationships of an entity in both directions; loading them also primes `entity` with the other ends. */
  relationships: DataLoader<string, repo.RelationshipRow[]>;
}

export function createCmdbLoaders(db: Db): CmdbLoaders {
  const entity = new DataLoader<string, EntityRecord | null>(
    async (ids) => {
      const found = await db.readTx((tx) => repo.findEntities(tx, ids), { operation: 'load entities' });
      const byId = new Map(found.map((e) => [e.id, e]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: 5000 },
  );
  const relationships = new DataLoader<string, repo.RelationshipRow[]>(
    async (ids) => {
      const rows = await db.readTx((tx) => repo.findRelationships(tx, ids), { operation: 'load relationships' });
      const bySelf = new Map<string, repo.RelationshipRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        bySelf.get(row.selfId)?.push(row);
        entity.prime(row.other.id, row.other);
      }
      return ids.map((id) => bySelf.get(id) ?? []);
    },
    { maxBatchSize: 5000 },
  );
  return { entity, relationships };
}
