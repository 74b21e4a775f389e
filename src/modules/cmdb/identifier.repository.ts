/** Identifier nodes: which record holds each identifier key, and records by id with what relating them needs. */
import type { Tx } from '../../shared/db';
import type { RecordRef } from './cmdb.rows';

/** Which entity (if any) holds each identifier key. */
export async function findIdentifierOwners(tx: Tx, keys: readonly string[]): Promise<Map<string, string>> {
  const refs = await findRefsByIdentifier(tx, keys);
  return new Map([...refs].map(([key, ref]) => [key, ref.id]));
}

/** The records holding each identifier key, with just what relating them needs (id, class, status). */
export async function findRefsByIdentifier(tx: Tx, keys: readonly string[]): Promise<Map<string, RecordRef>> {
  // The owner is read by a pattern comprehension from the identifier, never by a second MATCH the planner may
  // reorder: planned on the statistics of a CMDB emptied moments before (a re-run import), that form ran one
  // 5,000-key lookup for 70 s at 100k CIs (SHOW TRANSACTIONS: running, no lock wait) and once failed a batch on the
  // 120 s transaction timeout. A comprehension can only expand from the identifier found by the index.
  const rows = await tx.run(
    `UNWIND $keys AS key
     MATCH (i:Identifier {key: key}) USING INDEX SEEK i:Identifier(key)
     WITH key, [(i)<-[:IDENTIFIED_BY]-(n:Entity) | n {.id, .class, .status}][0] AS n
     WHERE n IS NOT NULL
     RETURN key, n.id AS id, n.class AS class, n.status AS status`,
    { keys },
  );
  return new Map(
    rows.map((r) => [
      r.key as string,
      { id: r.id as string, class: r.class as string, status: (r.status as string) ?? null },
    ]),
  );
}

/** Records by id, with just id, class and status. */
export async function findRefsById(tx: Tx, ids: readonly string[]): Promise<Map<string, RecordRef>> {
  const rows = await tx.run(
    'UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN n.id AS id, n.class AS class, n.status AS status',
    { ids },
  );
  return new Map(
    rows.map((r) => [
      r.id as string,
      { id: r.id as string, class: r.class as string, status: (r.status as string) ?? null },
    ]),
  );
}
