/**
 * Cypher of history snapshots and baselines. A snapshot is the CMDB (or a scope of it) as it stood at a moment:
 * the CIs' states then (read by the CMDB's `snapshotCIs`) and the relationships between CIs valid then (live ones
 * created by then, archived WAS ones whose interval covers it).
 * Baselines store the moment, the scope and the snapshot's checksum only.
 */
import { bool, num, optStr, str, type Tx } from '../../shared/db';
import type { WriteTx } from '../../shared/write';

export interface SnapshotRelationship {
  type: string;
  fromId: string;
  toId: string;
}

/** Relationships between CIs valid at `at` (both ends CIs; archived ones carry their type in `type`). */
export async function snapshotRelationships(tx: Tx, at: string): Promise<SnapshotRelationship[]> {
  const rows = await tx.run(
    `WITH datetime($at) AS t
     MATCH (a:CI)-[r]->(b:CI)
     WHERE (NOT r:WAS AND r.createdAt <= t) OR (r:WAS AND r.validFrom <= t AND r.validTo > t)
     RETURN CASE WHEN r:WAS THEN r.type ELSE type(r) END AS type, a.id AS fromId, b.id AS toId`,
    { at },
  );
  return rows.map((r) => ({ type: str(r, 'type'), fromId: str(r, 'fromId'), toId: str(r, 'toId') }));
}

export interface BaselineRow {
  id: string;
  name: string;
  takenAt: string;
  checksum: string;
  ciCount: number;
  relationshipCount: number;
  scope: string;
  createdBy: string;
}

/** The database's clock now (the moment a baseline is taken: the transaction's time). */
export async function now(tx: Tx): Promise<string> {
  const rows = await tx.run('RETURN datetime.transaction() AS now');
  return rows[0]?.now as string;
}

export async function createBaseline(tx: WriteTx, row: BaselineRow): Promise<void> {
  await tx.run(
    `CREATE (:Baseline {id: $id, name: $name, takenAt: datetime($takenAt), checksum: $checksum, ciCount: $ciCount,
                        relationshipCount: $relationshipCount, scope: $scope, createdBy: $createdBy})`,
    { ...row },
  );
}

export async function findBaselines(tx: Tx, ids?: readonly string[]): Promise<BaselineRow[]> {
  const rows = await tx.run(
    `MATCH (b:Baseline) WHERE $ids IS NULL OR b.id IN $ids
     RETURN b.id AS id, b.name AS name, b.takenAt AS takenAt, b.checksum AS checksum, b.ciCount AS ciCount,
            b.relationshipCount AS relationshipCount, b.scope AS scope, b.createdBy AS createdBy
     ORDER BY b.takenAt DESC`,
    { ids: ids ?? null },
  );
  return rows.map((r) => ({
    id: str(r, 'id'),
    name: str(r, 'name'),
    takenAt: str(r, 'takenAt'),
    checksum: str(r, 'checksum'),
    ciCount: num(r, 'ciCount'),
    relationshipCount: num(r, 'relationshipCount'),
    scope: str(r, 'scope'),
    createdBy: str(r, 'createdBy'),
  }));
}

/**
 * CIs with a state that began in (from, to] — a superseded revision or the live record written then: the only CIs
 * whose state can differ between the two moments.
 */
export async function ciIdsChangedBetween(tx: Tx, from: string, to: string): Promise<string[]> {
  const rows = await tx.run(
    `CALL () {
       MATCH (v:Revision) WHERE v.validFrom > datetime($from) AND v.validFrom <= datetime($to) AND v.kind = 'ci'
       RETURN v.id AS id
       UNION
       MATCH (c:CI) WHERE c.updatedAt > datetime($from) AND c.updatedAt <= datetime($to)
       RETURN c.id AS id
     }
     RETURN id`,
    { from, to },
  );
  return rows.map((r) => r.id as string);
}

export interface RelationshipChangeRow extends SnapshotRelationship {
  /** Valid at `from` and at `to`, as booleans. */
  atFrom: boolean;
  atTo: boolean;
}

/** Relationships between CIs whose validity changed in (from, to]: created then, or archived then. */
export async function relationshipsChangedBetween(tx: Tx, from: string, to: string): Promise<RelationshipChangeRow[]> {
  const rows = await tx.run(
    `WITH datetime($from) AS t1, datetime($to) AS t2
     MATCH (a:CI)-[r]->(b:CI)
     WHERE (NOT r:WAS AND r.createdAt > t1 AND r.createdAt <= t2)
        OR (r:WAS AND r.validTo > t1 AND r.validFrom <= t2)
     WITH a, b, r, t1, t2,
          CASE WHEN r:WAS THEN r.validFrom <= t1 AND r.validTo > t1 ELSE r.createdAt <= t1 END AS atFrom,
          CASE WHEN r:WAS THEN r.validFrom <= t2 AND r.validTo > t2 ELSE r.createdAt <= t2 END AS atTo
     WHERE atFrom <> atTo
     RETURN CASE WHEN r:WAS THEN r.type ELSE type(r) END AS type, a.id AS fromId, b.id AS toId, atFrom, atTo`,
    { from, to },
  );
  return rows.map((r) => ({
    type: str(r, 'type'),
    fromId: str(r, 'fromId'),
    toId: str(r, 'toId'),
    atFrom: bool(r, 'atFrom'),
    atTo: bool(r, 'atTo'),
  }));
}

export interface UnauthorizedRevisionRow {
  id: string;
  at: string;
  actor: string | null;
  operation: string | null;
}

/** Revisions (superseded or current) written by CI edits without a change record in implementation, newest first. */
export async function unauthorizedRevisions(tx: Tx): Promise<UnauthorizedRevisionRow[]> {
  const rows = await tx.run(
    `CALL () {
       MATCH (r:Revision) WHERE r.unauthorized = true AND r.kind = 'ci'
       RETURN r.id AS id, r.validFrom AS at, r.actor AS actor, r.operation AS operation
       UNION ALL
       MATCH (c:Entity) WHERE c.unauthorized = true AND c:CI
       RETURN c.id AS id, c.updatedAt AS at, c.actor AS actor, c.operation AS operation
     }
     RETURN id, at, actor, operation ORDER BY at DESC`,
  );
  return rows.map((r) => ({
    id: str(r, 'id'),
    at: str(r, 'at'),
    actor: optStr(r, 'actor'),
    operation: optStr(r, 'operation'),
  }));
}
