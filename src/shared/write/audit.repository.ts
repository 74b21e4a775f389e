/**
 * The audit trail's storage: one AuditEntry node per recorded change, appended in the writing transaction, each with
 * a gapless sequence number and its Merkle leaf hash. The log's state — size, frontier, root — lives on one
 * (:AuditLog {id: 'main'}) node; an append takes that node's write lock, so appends serialize there and the sequence
 * numbers have no gap (a rolled-back transaction takes its numbers with it). docs/adr/0011 says why.
 */
import { int, type Db, type Tx } from '../db';
import { appendToFrontier, entryLeafHash, frontierLength, rootOfFrontier, type AuditEntryContent } from './audit-hash';

export interface AuditEntryRow {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  /** JSON text, or null when the record had no such side. */
  before: string | null;
  after: string | null;
}

export interface AuditLogState {
  size: number;
  frontier: Buffer[];
  /** The transaction's time (ISO UTC, milliseconds): the `at` of entries appended now. */
  at: string;
}

/** Takes the log's lock for the rest of the transaction (creating the log node on first use) and reads its state. */
export async function lockAuditLog(tx: Tx): Promise<AuditLogState> {
  const rows = await tx.run(
    `MERGE (l:AuditLog {id: 'main'})
       ON CREATE SET l.size = 0, l.frontier = [], l.rootHash = $emptyRoot
     SET l._lock = true REMOVE l._lock
     RETURN l.size AS size, l.frontier AS frontier, datetime.transaction() AS at`,
    { emptyRoot: rootOfFrontier([]).toString('hex') },
  );
  const row = rows[0] as { size: number; frontier: string[]; at: string };
  const frontier = row.frontier.map((h) => Buffer.from(h, 'hex'));
  if (frontier.length !== frontierLength(row.size)) {
    throw new Error(`the audit log's frontier (${frontier.length} hashes) does not fit its size ${row.size}`);
  }
  return { size: row.size, frontier, at: row.at };
}

/** The log's state after appending these leaf hashes, as stored (the size an integer, hashes hex). */
function nextState(state: AuditLogState, leaves: string[]): { size: unknown; frontier: string[]; rootHash: string } {
  const frontier = appendToFrontier(
    state.frontier,
    state.size,
    leaves.map((h) => Buffer.from(h, 'hex')),
  );
  return {
    size: int(state.size + leaves.length),
    frontier: frontier.map((h) => h.toString('hex')),
    rootHash: rootOfFrontier(frontier).toString('hex'),
  };
}

/**
 * Appends entries to the log: the only statement that creates AuditEntry nodes. Two statements at the end of the
 * writing transaction: lock and read the log's state, then create the entries and store the new state.
 */
export async function appendAuditEntries(
  tx: Tx,
  entries: AuditEntryRow[],
  meta: { actor: string; operation: string; changeId: string | null },
): Promise<void> {
  if (entries.length === 0) return;
  const state = await lockAuditLog(tx);
  const sealed = entries.map((e, i) => {
    const content: AuditEntryContent = { ...e, ...meta, sequence: state.size + i, at: state.at };
    return { ...e, sequence: int(content.sequence), leafHash: entryLeafHash(content) };
  });
  const next = nextState(
    state,
    sealed.map((e) => e.leafHash),
  );
  await tx.run(
    `MATCH (l:AuditLog {id: 'main'})
     SET l.size = $next.size, l.frontier = $next.frontier, l.rootHash = $next.rootHash
     WITH l
     UNWIND $entries AS e
     CREATE (:AuditEntry {
       id: e.id, sequence: e.sequence, leafHash: e.leafHash, at: datetime.transaction(), actor: $actor,
       operation: $operation, changeId: $changeId, entityType: e.entityType, entityId: e.entityId, action: e.action,
       before: e.before, after: e.after
     })`,
    { entries: sealed, next, ...meta },
  );
}

const BACKFILL_BATCH = 1000;

/**
 * Gives entries written before the log existed (no sequence) their sequence numbers and leaf hashes, oldest first
 * (by time, then id), appended after whatever the log holds. Batches of 1,000 under the log's lock, so it is safe
 * while other processes write. Returns how many entries it sealed.
 */
export async function sealUnsequencedAuditEntries(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await db.writeTx(
      async (tx) => {
        const state = await lockAuditLog(tx);
        // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
        const rows = (await tx.run(
          `MATCH (a:AuditEntry) WHERE a.sequence IS NULL
           WITH a ORDER BY a.at, a.id LIMIT $limit
           RETURN a.id AS id, a.at AS at, a.actor AS actor, a.operation AS operation, a.changeId AS changeId,
                  a.entityType AS entityType, a.entityId AS entityId, a.action AS action, a.before AS before,
                  a.after AS after`,
          { limit: int(BACKFILL_BATCH) },
        )) as unknown as Array<Omit<AuditEntryContent, 'sequence'>>;
        if (rows.length === 0) return 0;
        const entries = rows.map((r, i) => {
          const sequence = state.size + i;
          return { id: r.id, sequence: int(sequence), leafHash: entryLeafHash({ ...r, sequence }) };
        });
        const next = nextState(
          state,
          entries.map((e) => e.leafHash),
        );
        await tx.run(
          `MATCH (l:AuditLog {id: 'main'})
           SET l.size = $next.size, l.frontier = $next.frontier, l.rootHash = $next.rootHash
           WITH l
           UNWIND $entries AS e
           MATCH (a:AuditEntry {id: e.id})
           SET a.sequence = e.sequence, a.leafHash = e.leafHash`,
          { entries, next },
        );
        return rows.length;
      },
      { operation: 'audit backfill' },
    );
    total += sealed;
    if (sealed < BACKFILL_BATCH) return total;
  }
}
