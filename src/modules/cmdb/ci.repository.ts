/** CIs and parties as records: read by id, lock, list and count CIs, create and update (retiring is an update). */
import { int, type Tx } from '../../shared/db';
import type { WriteTx } from '../../shared/write';
import { ciFilterClause, ENTITY, LIVE_AT, LOCK, meta, STAMP, SUPERSEDE, SUPERSEDED_AT } from './fragments.repository';
import { toEntity, type EntityUpdateRow, type NewEntityRow } from './cmdb.rows';
import type { CIListFilter, EntityRecord, PageRequest } from './cmdb.types';
import { listRevisions } from './revision.repository';

export async function findEntities(tx: Tx, ids: readonly string[]): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN ${ENTITY} AS n`,
    { ids },
  );
  return rows.map((r) => toEntity(r.n));
}

/** Locks the entity for the rest of the transaction (read-then-write without lost updates) and returns it. */
export async function lockEntity(tx: Tx, id: string): Promise<EntityRecord | undefined> {
  const rows = await tx.run(`MATCH (n:Entity {id: $id}) USING INDEX SEEK n:Entity(id) ${LOCK} RETURN ${ENTITY} AS n`, {
    id,
  });
  return rows[0] ? toEntity(rows[0].n) : undefined;
}

/** One page of CIs ordered by (name, id), keyset-paginated; returns up to limit + 1 rows to tell hasNextPage. */
export async function listCIs(tx: Tx, filter: CIListFilter, page: PageRequest, at?: string): Promise<EntityRecord[]> {
  const { where, params } = ciFilterClause(filter);
  if (at) return listRevisions(tx, where, { ...params, at }, page);
  // A range on name lets the planner walk the name index in order and stop after the page (a partial top over
  // (name, id)) instead of sorting every CI; the keyset condition keeps that range.
  if (page.after) {
    where.push('c.name >= $afterName AND (c.name > $afterName OR c.id > $afterId)');
    params.afterName = page.after.name;
    params.afterId = page.after.id;
  } else where.push('c.name IS NOT NULL');
  const rows = await tx.run(
    `MATCH (c:CI) WHERE ${where.join(' AND ')}
     WITH c ORDER BY c.name, c.id LIMIT $limit
     WITH c AS n RETURN ${ENTITY} AS n`,
    { ...params, limit: int(page.limit + 1) },
  );
  return rows.map((r) => toEntity(r.n));
}

export async function countCIs(tx: Tx, filter: CIListFilter, at?: string): Promise<number> {
  const { where, params } = ciFilterClause(filter);
  if (at) {
    const rows = await tx.run(
      `CALL () {
         MATCH (c:CI) WHERE ${[LIVE_AT, ...where].join(' AND ')} RETURN count(c) AS n
         UNION ALL
         MATCH (c:Revision) WHERE ${[SUPERSEDED_AT, ...where].join(' AND ')} RETURN count(c) AS n
       }
       RETURN sum(n) AS n`,
      { ...params, at },
    );
    return (rows[0]?.n as number) ?? 0;
  }
  const rows = await tx.run(
    `MATCH (c:CI) ${where.length ? `WHERE ${where.join(' AND ')}` : ''} RETURN count(c) AS n`,
    params,
  );
  return (rows[0]?.n as number) ?? 0;
}

/** Creates entities with their identifier nodes; a taken identifier fails the statement (unique constraint). */
export async function createEntities(tx: WriteTx, rows: readonly NewEntityRow[]): Promise<void> {
  await tx.run(
    `UNWIND $rows AS row
     CREATE (n:Entity {id: row.id, class: row.class, name: row.name, nameLower: toLower(row.name),
                       version: row.version, createdAt: datetime.transaction(), updatedAt: datetime.transaction(),
                       revision: 1, attrSources: row.attrSources})
     SET n:$(CASE row.kind WHEN 'ci' THEN 'CI' ELSE 'Party' END), n:$(row.class), n.status = row.status, n += row.props,
         ${STAMP}
     WITH n, row
     CALL (n, row) {
       UNWIND row.identifiers AS ident
       CREATE (n)-[:IDENTIFIED_BY]->(:Identifier {key: ident.key, class: row.class, name: ident.name, value: ident.value})
     }`,
    { rows, ...meta(tx) },
  );
}

/** Applies updates: keeps the superseded state as a revision, bumps revision and updatedAt, swaps identifier nodes. */
export async function updateEntities(tx: WriteTx, rows: readonly EntityUpdateRow[]): Promise<void> {
  await tx.run(
    `UNWIND $rows AS row
     MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
     // Lock before copying: the state superseded must be the one this write replaces, not one a concurrent writer
     // replaces first (the API locks in lockEntity already; the import does not).
     ${LOCK}
     ${SUPERSEDE}
     WITH n, row
     SET n += row.set, n.attrSources = row.attrSources, n.revision = n.revision + 1, n.updatedAt = datetime.transaction(),
         ${STAMP}
     WITH n, row
     CALL (n, row) {
       UNWIND row.removeIdentifierKeys AS key
       MATCH (n)-[:IDENTIFIED_BY]->(i:Identifier {key: key})
       DETACH DELETE i
     }
     CALL (n, row) {
       UNWIND row.addIdentifiers AS ident
       CREATE (n)-[:IDENTIFIED_BY]->(:Identifier {key: ident.key, class: n.class, name: ident.name, value: ident.value})
     }`,
    { rows, ...meta(tx) },
  );
}

export async function countEntities(tx: Tx): Promise<number> {
  const rows = await tx.run('MATCH (n:CI) RETURN count(n) AS n');
  return (rows[0]?.n as number) ?? 0;
}
