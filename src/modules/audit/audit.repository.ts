/**
 * Reads of the audit log (pages, leaf hashes for proofs, whole-log reads for verification) and the signed tree heads
 * stored in the database. Appends are the write path's (src/shared/write/audit.repository.ts).
 */
import { int, type Tx } from '../../shared/db';
import type { SignedTreeHead } from './tree-head';
import type { StoredAuditEntry } from './verify';

export interface AuditFilter {
  entityId?: string | null;
  actor?: string | null;
  operation?: string | null;
  /** ISO-8601 bounds on `at`, inclusive from, exclusive to. */
  from?: string | null;
  to?: string | null;
}

const ENTRY_FIELDS = `a.sequence AS sequence, a.id AS id, a.at AS at, a.actor AS actor, a.operation AS operation,
  a.changeId AS changeId, a.entityType AS entityType, a.entityId AS entityId, a.action AS action,
  a.before AS before, a.after AS after, a.leafHash AS leafHash`;

/** The WHERE conditions of a filter: fixed fragments, values as parameters. */
function whereOf(filter: AuditFilter): { conditions: string[]; params: Record<string, unknown> } {
  const conditions = ['a.sequence IS NOT NULL'];
  const params: Record<string, unknown> = {};
  if (filter.entityId) {
    conditions.push('a.entityId = $entityId');
    params.entityId = filter.entityId;
  }
  if (filter.actor) {
    conditions.push('a.actor = $actor');
    params.actor = filter.actor;
  }
  if (filter.operation) {
    conditions.push('a.operation = $operation');
    params.operation = filter.operation;
  }
  if (filter.from) {
    conditions.push('a.at >= datetime($from)');
    params.from = filter.from;
  }
  if (filter.to) {
    conditions.push('a.at < datetime($to)');
    params.to = filter.to;
  }
  return { conditions, params };
}

/** A page of entries matching the filter, by sequence, after `afterSequence`. */
export async function pageEntries(
  tx: Tx,
  filter: AuditFilter,
  limit: number,
  afterSequence: number | null,
): Promise<StoredAuditEntry[]> {
  const { conditions, params } = whereOf(filter);
  if (afterSequence !== null) {
    conditions.push('a.sequence > $after');
    params.after = afterSequence;
  }
  const rows = await tx.run(
    `MATCH (a:AuditEntry) WHERE ${conditions.join(' AND ')}
     RETURN ${ENTRY_FIELDS}
     ORDER BY a.sequence LIMIT $limit`,
    { ...params, limit: int(limit) },
  );
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return rows as unknown as StoredAuditEntry[];
}

export async function countEntries(tx: Tx, filter: AuditFilter): Promise<number> {
  const { conditions, params } = whereOf(filter);
  const rows = await tx.run(`MATCH (a:AuditEntry) WHERE ${conditions.join(' AND ')} RETURN count(a) AS n`, params);
  return Number(rows[0]?.n ?? 0);
}

/** Entries with sequence ≥ `from`, in sequence order, at most `limit` (whole-log reads page through this). */
export async function entriesFrom(tx: Tx, from: number, limit: number): Promise<StoredAuditEntry[]> {
  const rows = await tx.run(
    `MATCH (a:AuditEntry) WHERE a.sequence >= $from
     RETURN ${ENTRY_FIELDS}
     ORDER BY a.sequence LIMIT $limit`,
    { from: int(from), limit: int(limit) },
  );
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return rows as unknown as StoredAuditEntry[];
}

/** The entry with this sequence, or null. */
export async function entryAt(tx: Tx, sequence: number): Promise<StoredAuditEntry | null> {
  const rows = await tx.run(`MATCH (a:AuditEntry {sequence: $sequence}) RETURN ${ENTRY_FIELDS}`, {
    sequence: int(sequence),
  });
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return (rows[0] as unknown as StoredAuditEntry | undefined) ?? null;
}

/** The stored leaf hashes of sequences 0 … size-1, in order (a gap shows as a shorter list). */
export async function leafHashes(tx: Tx, size: number): Promise<Array<{ sequence: number; leafHash: string }>> {
  const rows = await tx.run(
    `MATCH (a:AuditEntry) WHERE a.sequence >= 0 AND a.sequence < $size
     RETURN a.sequence AS sequence, a.leafHash AS leafHash ORDER BY a.sequence`,
    { size: int(size) },
  );
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return rows as unknown as Array<{ sequence: number; leafHash: string }>;
}

/** The log's current size and root, as the last append left them (zero and null before any entry). */
export async function logState(tx: Tx): Promise<{ size: number; rootHash: string | null }> {
  const rows = await tx.run(`MATCH (l:AuditLog {id: 'main'}) RETURN l.size AS size, l.rootHash AS rootHash`);
  const row = rows[0] as { size: number; rootHash: string } | undefined;
  return row ? { size: row.size, rootHash: row.rootHash } : { size: 0, rootHash: null };
}

const HEAD_FIELDS = `h.treeSize AS treeSize, h.rootHash AS rootHash, h.timestamp AS timestamp, h.signature AS signature,
  h.keyId AS keyId`;

function headOf(row: Record<string, unknown> | undefined): SignedTreeHead | null {
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return (row as unknown as SignedTreeHead | undefined) ?? null;
}

export async function treeHeadOfSize(tx: Tx, treeSize: number): Promise<SignedTreeHead | null> {
  const rows = await tx.run(`MATCH (h:AuditTreeHead {treeSize: $treeSize}) RETURN ${HEAD_FIELDS}`, {
    treeSize: int(treeSize),
  });
  return headOf(rows[0]);
}

export async function latestTreeHead(tx: Tx): Promise<SignedTreeHead | null> {
  const rows = await tx.run(`MATCH (h:AuditTreeHead) RETURN ${HEAD_FIELDS} ORDER BY h.treeSize DESC LIMIT 1`);
  return headOf(rows[0]);
}

/** The smallest signed head covering `sequence` (treeSize > sequence), or null. */
export async function treeHeadCovering(tx: Tx, sequence: number): Promise<SignedTreeHead | null> {
  const rows = await tx.run(
    `MATCH (h:AuditTreeHead) WHERE h.treeSize > $sequence RETURN ${HEAD_FIELDS} ORDER BY h.treeSize LIMIT 1`,
    { sequence: int(sequence) },
  );
  return headOf(rows[0]);
}

export async function createTreeHead(tx: Tx, head: SignedTreeHead): Promise<void> {
  await tx.run(
    `CREATE (:AuditTreeHead {treeSize: $treeSize, rootHash: $rootHash, timestamp: datetime($timestamp),
                             signature: $signature, keyId: $keyId})`,
    { ...head, treeSize: int(head.treeSize) },
  );
}
