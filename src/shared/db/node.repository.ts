/**
 * The one read that crosses every domain's storage: which kind of record holds a global id. Every record a client
 * can refetch by `node(id:)` carries a random UUID `id` under a label with a uniqueness constraint — (:Entity)
 * (CIs and parties), (:Ticket), (:Baseline), (:CatalogItem) — so an id names at most one record. The statement
 * answers the GraphQL type name; the owning module then loads the record.
 */
import type { Tx } from './db';

/** GraphQL type name by id, for the ids that name a record (unknown ids are absent). */
export async function findNodeTypes(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     CALL (id) {
       MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
       RETURN CASE WHEN n:CI THEN 'CI' ELSE n.class END AS type
       UNION
       MATCH (n:Ticket {id: id}) USING INDEX SEEK n:Ticket(id)
       RETURN [l IN labels(n) WHERE l <> 'Ticket'][0] AS type
       UNION
       MATCH (n:Baseline {id: id}) USING INDEX SEEK n:Baseline(id)
       RETURN 'Baseline' AS type
       UNION
       MATCH (n:CatalogItem {id: id}) USING INDEX SEEK n:CatalogItem(id)
       RETURN 'CatalogItem' AS type
     }
     RETURN id, type`,
    { ids: [...new Set(ids)] },
  );
  return new Map(rows.map((r) => [r.id as string, r.type as string]));
}
