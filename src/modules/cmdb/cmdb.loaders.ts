/** Per-request DataLoaders: a page of N CIs with relationships and related CIs costs a fixed number of queries. */
import DataLoader from 'dataloader';
import type { CmdbService } from './cmdb.service';
import type { EntityRecord, RelationshipRow } from './cmdb.types';

export interface CmdbLoaders {
  entity: DataLoader<string, EntityRecord | null>;
  /** Relationships of an entity in both directions; loading them also primes `entity` with the other ends. */
  relationships: DataLoader<string, RelationshipRow[]>;
  /** Relationships with only a summary of the other end (for selections that ask no more of it). */
  relationshipSummaries: DataLoader<string, RelationshipRow[]>;
  /** The same without the relationships' own properties (selections of type, direction and the ends' summaries). */
  bareRelationshipSummaries: DataLoader<string, RelationshipRow[]>;
  /** Ids whose full relationships this request asked for (then the summaries would be a wasted statement). */
  fullRelationshipsAsked?: Set<string>;
  /** Ids whose relationship summaries with properties were asked for (then the bare ones would be a wasted statement). */
  summaryRelationshipsAsked?: Set<string>;
  /** As-of reads, keyed by `asOf|id`: entities and relationships as they stood then. */
  entityAt: DataLoader<string, EntityRecord | null>;
  relationshipsAt: DataLoader<string, RelationshipRow[]>;
}

/** Key of the as-of loaders. */
export function atKey(asOf: string, id: string): string {
  return `${asOf}|${id}`;
}

/** Groups `asOf|id` keys by moment, runs `load` once per moment, and returns results in key order. */
async function byMoment<T>(
  keys: readonly string[],
  load: (ids: string[], at: string) => Promise<Map<string, T>>,
  empty: T,
): Promise<T[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const bar = key.indexOf('|');
    const at = key.slice(0, bar);
    groups.set(at, [...(groups.get(at) ?? []), key.slice(bar + 1)]);
  }
  const found = new Map<string, T>();
  for (const [at, ids] of groups) for (const [id, value] of await load(ids, at)) found.set(atKey(at, id), value);
  return keys.map((k) => found.get(k) ?? empty);
}

/** The batch reads the loaders are built on (CmdbService's; a benchmark peer may supply unbatched ones). */
export type CmdbReads = Pick<
  CmdbService,
  'entities' | 'relationshipsOf' | 'relationshipSummariesOf' | 'entitiesAt' | 'relationshipsAt'
>;

export function createCmdbLoaders(cmdb: CmdbReads): CmdbLoaders {
  const entity = new DataLoader<string, EntityRecord | null>(
    async (ids) => {
      const found = await cmdb.entities(ids);
      const byId = new Map(found.map((e) => [e.id, e]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: 5000 },
  );
  const relationships = new DataLoader<string, RelationshipRow[]>(
    async (ids) => {
      const rows = await cmdb.relationshipsOf(ids);
      const bySelf = new Map<string, RelationshipRow[]>(ids.map((id) => [id, []]));
      for (const row of rows) {
        bySelf.get(row.selfId)?.push(row);
        entity.prime(row.other.id, row.other);
      }
      return ids.map((id) => bySelf.get(id) ?? []);
    },
    { maxBatchSize: 5000 },
  );
  const summaries = (withProperties: boolean): DataLoader<string, RelationshipRow[]> =>
    new DataLoader<string, RelationshipRow[]>(
      async (ids) => {
        const rows = await cmdb.relationshipSummariesOf(ids, withProperties);
        const bySelf = new Map<string, RelationshipRow[]>(ids.map((id) => [id, []]));
        for (const row of rows) bySelf.get(row.selfId)?.push(row);
        return ids.map((id) => bySelf.get(id) ?? []);
      },
      { maxBatchSize: 5000 },
    );
  const relationshipSummaries = summaries(true);
  const bareRelationshipSummaries = summaries(false);
  const entityAt = new DataLoader<string, EntityRecord | null>(
    (keys) =>
      byMoment(
        keys,
        async (ids, at) => {
          const found = await cmdb.entitiesAt(ids, at);
          return new Map(found.map((e) => [e.id, { ...e, asOf: at }]));
        },
        null,
      ),
    { maxBatchSize: 5000 },
  );
  const relationshipsAt = new DataLoader<string, RelationshipRow[]>(
    (keys) =>
      byMoment(
        keys,
        async (ids, at) => {
          const rows = await cmdb.relationshipsAt(ids, at);
          const bySelf = new Map<string, RelationshipRow[]>();
          for (const row of rows) {
            const other = { ...row.other, asOf: at };
            bySelf.set(row.selfId, [...(bySelf.get(row.selfId) ?? []), { ...row, other, asOf: at }]);
            entityAt.prime(atKey(at, other.id), other);
          }
          return bySelf;
        },
        [],
      ),
    { maxBatchSize: 5000 },
  );
  return { entity, relationships, relationshipSummaries, bareRelationshipSummaries, entityAt, relationshipsAt };
}
