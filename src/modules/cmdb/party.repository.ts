/** Parties (organizations, groups, people): lists by class, keyset pages in creation order, counts. */
import { int, type Tx } from '../../shared/db';
import { ENTITY } from './fragments.repository';
import { toEntity } from './cmdb.rows';
import type { EntityRecord } from './cmdb.types';

/** Organizations, groups or people, by name (a few hundred at most in any provider). */
export async function listParties(tx: Tx, className: string, orgType?: string): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `MATCH (n:Party) WHERE n.class = $className AND ($orgType IS NULL OR n.a_orgType = $orgType)
     RETURN ${ENTITY} AS n ORDER BY n.name LIMIT 10000`,
    { className, orgType: orgType ?? null },
  );
  return rows.map((r) => toEntity(r.n));
}

export interface PartyFilter {
  orgType?: string;
  /** Lower-case substring of the name. */
  nameContains?: string;
}

/** A PartyFilter's conditions on a party `n` of class `$className` ($orgType and $nameContains null when unset). */
const PARTY_WHERE = `n.class = $className AND ($orgType IS NULL OR n.a_orgType = $orgType)
     AND ($nameContains IS NULL OR n.nameLower CONTAINS $nameContains)`;

/**
 * A keyset page of parties in creation order: (createdAt, id) after `page.after`, up to `page.limit + 1` rows. The
 * key's datetime travels as Cypher's string of the stored value, so sub-millisecond parts survive the cursor.
 */
export async function listPartiesPage(
  tx: Tx,
  className: string,
  filter: PartyFilter,
  page: { limit: number; after?: readonly [string, string] },
): Promise<Array<{ node: EntityRecord; key: [string, string] }>> {
  const rows = await tx.run(
    `MATCH (n:Party) WHERE ${PARTY_WHERE}
       AND ($afterAt IS NULL OR n.createdAt > datetime($afterAt)
            OR (n.createdAt = datetime($afterAt) AND n.id > $afterId))
     WITH n ORDER BY n.createdAt, n.id LIMIT $limit
     RETURN ${ENTITY} AS n, toString(n.createdAt) AS at`,
    {
      className,
      orgType: filter.orgType ?? null,
      nameContains: filter.nameContains ?? null,
      afterAt: page.after?.[0] ?? null,
      afterId: page.after?.[1] ?? null,
      limit: int(page.limit + 1),
    },
  );
  return rows.map((r) => {
    const node = toEntity(r.n);
    return { node, key: [r.at as string, node.id] };
  });
}

export async function countParties(tx: Tx, className: string, filter: PartyFilter): Promise<number> {
  const rows = await tx.run(`MATCH (n:Party) WHERE ${PARTY_WHERE} RETURN count(n) AS n`, {
    className,
    orgType: filter.orgType ?? null,
    nameContains: filter.nameContains ?? null,
  });
  return (rows[0]?.n as number) ?? 0;
}
