/** Relationships between records: read them (full or summary), test which exist, merge and remove them. */
import type { Row, Tx } from '../../shared/db';
import type { WriteTx } from '../../shared/write';
import { ARCHIVE_RELATIONSHIP, ENTITY, meta, REL_PROPS } from './fragments.repository';
import {
  isoOf,
  NONE,
  relationKey,
  storedAttributes,
  summaryEntity,
  toEntity,
  toRelationshipRow,
  type RelationRow,
} from './cmdb.rows';
import type { RelationshipRow } from './cmdb.types';

/** Relationships of many entities in one statement, with the other end's full record (to prime loaders). */
export async function findRelationships(tx: Tx, ids: readonly string[]): Promise<RelationshipRow[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r]-(n:Entity) WHERE NOT r:WAS
     RETURN id, type(r) AS type, startNode(r) = self AS outgoing, ${REL_PROPS} AS props, ${ENTITY} AS n`,
    { ids },
  );
  return rows.map(toRelationshipRow);
}

/**
 * Relationships of many entities with only a summary of the other end ({id, class, name, status}): for queries that
 * ask no more of it. A fraction of `findRelationships`' cost (no properties, identifiers or source maps of the
 * neighbours); the rows are not used to prime the entity loader. Without `withProperties` the relationships' own
 * properties are not read either (their `attributes` come back empty and `createdAt` blank): for selections of
 * `type`, `direction` and the ends only.
 */
export async function findRelationshipSummaries(
  tx: Tx,
  ids: readonly string[],
  withProperties = true,
): Promise<RelationshipRow[]> {
  // One row per asked entity with its relationships as lists (not a row and two maps per relationship): a page of
  // 1,000 CIs has ~6,000 relationships, and rows and maps were most of the statement's and the driver's time.
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     RETURN id, [(self)-[r]-(n:Entity) WHERE NOT r:WAS |
                 [type(r), startNode(r) = self, n.id, n.class, n.name, n.status, n:CI,
                  CASE WHEN $withProperties THEN ${REL_PROPS} END]] AS rels`,
    { ids, withProperties },
  );
  const out: RelationshipRow[] = [];
  for (const row of rows) {
    const selfId = row.id as string;
    for (const [type, outgoing, id, cls, name, status, ci, props] of row.rels as unknown[][]) {
      const other = summaryEntity(
        id as string,
        ci ? 'ci' : 'party',
        cls as string,
        name as string,
        status as string | null,
      );
      out.push({
        type: type as string,
        selfId,
        fromId: outgoing ? selfId : other.id,
        toId: outgoing ? other.id : selfId,
        attributes: props ? storedAttributes(props as Row) : NONE,
        createdAt: props ? isoOf((props as Row).createdAt) : '',
        other,
      });
    }
  }
  return out;
}

/** One relationship seen from its `from` end, or undefined. */
export async function findRelationship(
  tx: Tx,
  type: string,
  fromId: string,
  toId: string,
): Promise<RelationshipRow | undefined> {
  const rows = await tx.run(
    `MATCH (self:Entity {id: $fromId}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r:$($type)]->(n:Entity {id: $toId})
     RETURN ${REL_PROPS} AS props, ${ENTITY} AS n`,
    { type, fromId, toId },
  );
  const row = rows[0];
  if (!row) return undefined;
  const props = row.props as Row;
  const attributes = storedAttributes(props);
  return { type, selfId: fromId, fromId, toId, attributes, createdAt: isoOf(props.createdAt), other: toEntity(row.n) };
}

/**
 * Which of these relationships exist already (a read: re-importing unchanged topology takes no write locks).
 * Expands outgoing from each `from` record only: out-degrees are small, hubs (switches, SANs) sit at the `to` end.
 */
export async function existingRelationships(tx: Tx, rows: readonly Omit<RelationRow, 'props'>[]): Promise<Set<string>> {
  const fromIds = [...new Set(rows.map((r) => r.fromId))];
  const found = await tx.run(
    `UNWIND $fromIds AS id
     MATCH (a:Entity {id: id}) USING INDEX SEEK a:Entity(id)
     RETURN id, [(a)-[r]->(b:Entity) WHERE NOT r:WAS | [type(r), b.id]] AS out`,
    { fromIds },
  );
  // Expanded from each record by a comprehension (see findRefsByIdentifier in identifier.repository.ts: no plan can
  // start elsewhere).
  const keys = new Set<string>();
  for (const f of found)
    for (const [type, toId] of f.out as Array<[string, string]>)
      keys.add(relationKey({ fromId: f.id as string, type, toId }));
  return keys;
}

/**
 * MERGEs relationships; returns how many were new. The type comes from the registry, never from user text.
 * For single-valued types (`replaceTypes`), another relationship of that type leaving `from` is removed first.
 */
export async function mergeRelationships(
  tx: WriteTx,
  rows: readonly RelationRow[],
  replaceTypes: readonly string[] = [],
): Promise<{ created: number }> {
  const single = rows.filter((r) => replaceTypes.includes(r.type));
  if (single.length) {
    await tx.write(
      `UNWIND $rows AS row
       MATCH (a:Entity {id: row.fromId}) USING INDEX SEEK a:Entity(id)
       MATCH (a)-[r:$(row.type)]->(b:Entity) WHERE b.id <> row.toId
       ${ARCHIVE_RELATIONSHIP}
       DELETE r`,
      { rows: single, ...meta(tx) },
    );
  }
  // Rows without attributes travel without a props map (one map fewer per row for the driver to pack).
  const counters = await tx.write(
    `UNWIND $rows AS row
     MATCH (a:Entity {id: row.fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (b:Entity {id: row.toId}) USING INDEX SEEK b:Entity(id)
     MERGE (a)-[r:$(row.type)]->(b)
     ON CREATE SET r.createdAt = datetime.transaction()
     SET r += coalesce(row.props, {})`,
    { rows: rows.map((r) => (Object.keys(r.props).length ? r : { type: r.type, fromId: r.fromId, toId: r.toId })) },
  );
  return { created: counters.relationshipsCreated };
}

export async function deleteRelationship(tx: WriteTx, row: Omit<RelationRow, 'props'>): Promise<number> {
  const result = await tx.run(
    `MATCH (a:Entity {id: $fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (a)-[r:$($type)]->(b:Entity {id: $toId})
     ${ARCHIVE_RELATIONSHIP}
     DELETE r RETURN count(*) AS n`,
    { type: row.type, fromId: row.fromId, toId: row.toId, ...meta(tx) },
  );
  return (result[0]?.n as number) ?? 0;
}

/** Removes every outgoing relationship of a type (for single-valued ones: LOCATED_IN, OWNED_BY). */
export async function deleteOutgoing(tx: WriteTx, fromId: string, type: string): Promise<string[]> {
  const rows = await tx.run(
    `MATCH (a:Entity {id: $fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (a)-[r:$($type)]->(b:Entity)
     ${ARCHIVE_RELATIONSHIP}
     WITH r, b.id AS id DELETE r RETURN id`,
    { fromId, type, ...meta(tx) },
  );
  return rows.map((r) => r.id as string);
}
