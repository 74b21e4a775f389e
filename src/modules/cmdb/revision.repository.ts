/** Records and relationships as they stood at a moment: as-of reads and pages, revision history, snapshots. */
import { int, type Row, type Tx } from '../../shared/db';
import { stateAt, stateProperties } from '../../shared/db/temporal';
import { ciFilterClause, identifierStrings, LIVE_AT, revisionDerived, SUPERSEDED_AT } from './fragments.repository';
import { toEntity, toRelationshipRow } from './cmdb.rows';
import type { CIListFilter, EntityRecord, PageRequest, RelationshipRow } from './cmdb.types';

/**
 * A page of CIs as they stood at `at` (live records not written since, and revisions valid then); same filters and
 * order as listCIs.
 */
export async function listRevisions(tx: Tx, where: string[], params: Row, page: PageRequest): Promise<EntityRecord[]> {
  if (page.after) {
    where = [...where, '(c.name > $afterName OR (c.name = $afterName AND c.id > $afterId))'];
    Object.assign(params, { afterName: page.after.name, afterId: page.after.id });
  }
  const rows = await tx.run(
    `CALL () {
       MATCH (c:CI) WHERE ${[LIVE_AT, ...where].join(' AND ')}
       WITH c ORDER BY c.name, c.id LIMIT $limit
       RETURN ${stateProperties('c', revisionDerived('c'))} AS n
       UNION ALL
       MATCH (c:Revision) WHERE ${[SUPERSEDED_AT, ...where].join(' AND ')}
       WITH c ORDER BY c.name, c.id LIMIT $limit
       RETURN properties(c) AS n
     }
     RETURN n ORDER BY n.name, n.id LIMIT $limit`,
    { ...params, limit: int(page.limit + 1) },
  );
  return rows.map((r) => toEntity(r.n));
}

/** Entities as they stood at `at` (absent when they did not exist then). */
export async function findRevisionsAt(tx: Tx, ids: readonly string[], at: string): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `WITH datetime($at) AS t
     UNWIND $ids AS id
     MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     ${stateAt('n', 't')}
     RETURN ${stateProperties('state', revisionDerived('state'))} AS n`,
    { ids, at },
  );
  return rows.map((r) => toEntity(r.n));
}

export interface RevisionRecord {
  entity: EntityRecord;
  validFrom: string;
  validTo: string | null;
  actor: string | null;
  operation: string | null;
  /** The change record the write was carried out under. */
  changeId: string | null;
  /** An edit of an existing CI made without a change record in implementation. */
  unauthorized: boolean;
}

/** Every revision of an entity, oldest first: the superseded ones, then the live record's current state. */
export async function findRevisionHistory(tx: Tx, id: string): Promise<RevisionRecord[]> {
  const rows = await tx.run(
    `CALL () {
       MATCH (c:Revision {id: $id}) USING INDEX SEEK c:Revision(id) RETURN c
       UNION ALL
       MATCH (c:Entity {id: $id}) USING INDEX SEEK c:Entity(id) RETURN c
     }
     RETURN ${stateProperties('c', revisionDerived('c'))} AS n ORDER BY n.validFrom, n.revision`,
    { id },
  );
  return rows.map((r) => {
    const props = r.n as Row;
    return {
      entity: toEntity(props),
      validFrom: props.validFrom as string,
      validTo: (props.validTo as string | null) ?? null,
      actor: (props.actor as string | null) ?? null,
      operation: (props.operation as string | null) ?? null,
      changeId: (props.changeId as string | null) ?? null,
      unauthorized: props.unauthorized === true,
    };
  });
}

export interface SnapshotCI {
  id: string;
  class: string;
  name: string;
  status: string;
  version: string | null;
  props: Row;
  identifiers: string[];
}

/** Which CIs a snapshot holds: all, those matching a filter, or these ids. */
export interface SnapshotScope {
  filter?: CIListFilter;
  ids?: readonly string[];
}

/**
 * CI states at `at` for a snapshot (history's baselines): live CIs last written by then, and superseded revisions
 * valid then (a CI has one or the other), each with its stored properties and "name=value" identifiers.
 */
export async function snapshotCIs(tx: Tx, at: string, scope: SnapshotScope = {}): Promise<SnapshotCI[]> {
  const { where, params } = ciFilterClause(scope.filter ?? {});
  const ids = scope.ids;
  const live = [LIVE_AT, ...where];
  const superseded = [SUPERSEDED_AT, ...where];
  // With ids, both branches seek the id indexes (CIs are indexed by id as :Entity, not :CI).
  const rows = await tx.run(
    `CALL () {
       ${ids ? 'MATCH (c:Entity) USING INDEX SEEK c:Entity(id) WHERE c.id IN $ids AND c:CI AND' : 'MATCH (c:CI) WHERE'} ${live.join(' AND ')}
       RETURN c, ${identifierStrings('c')} AS identifiers
       UNION ALL
       ${ids ? 'MATCH (c:Revision) USING INDEX SEEK c:Revision(id) WHERE c.id IN $ids AND' : 'MATCH (c:Revision) WHERE'} ${superseded.join(' AND ')}
       RETURN c, c.identifiers AS identifiers
     }
     RETURN c.id AS id, c.class AS class, c.name AS name, c.status AS status, c.version AS version,
            identifiers, properties(c) AS props`,
    { ...params, at, ids: ids ?? null },
  );
  // The statement returns exactly SnapshotCI's columns (id, class, name, status, version, identifiers, props).
  return rows as unknown as SnapshotCI[];
}

/** Relationships of entities as they stood at `at`: live ones created by then, archived (WAS) ones valid then. */
export async function findRelationshipsAt(tx: Tx, ids: readonly string[], at: string): Promise<RelationshipRow[]> {
  const rows = await tx.run(
    `WITH datetime($at) AS t
     UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r]-(n:Entity)
     WHERE (NOT r:WAS AND r.createdAt <= t) OR (r:WAS AND r.validFrom <= t AND r.validTo > t)
     ${stateAt('n', 't')}
     RETURN id, CASE WHEN r:WAS THEN r.type ELSE type(r) END AS type, startNode(r) = self AS outgoing,
            properties(r) AS props, ${stateProperties('state', revisionDerived('state'))} AS n`,
    { ids, at },
  );
  return rows.map(toRelationshipRow);
}
