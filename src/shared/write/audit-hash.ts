/**
 * The audit log's hashing, shared by the append (in the write transaction) and the audit module's proofs and
 * verification: RFC 6962 / RFC 9162 Merkle hashing over the canonical bytes of each entry, and the compact frontier
 * (the roots of the perfect subtrees along the right edge) that lets an append compute the new root in O(log n).
 */
import { createHash } from 'node:crypto';

/** What an audit entry says; the canonical bytes are computed from exactly these fields. */
export interface AuditEntryContent {
  /** Position in the log: 0, 1, 2, … with no gap (the Merkle leaf index). */
  sequence: number;
  id: string;
  /** ISO-8601 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z. */
  at: string;
  actor: string;
  operation: string;
  changeId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  /** JSON text as stored, or null. */
  before: string | null;
  after: string | null;
}

const CANONICAL_KEYS = [
  'action',
  'actor',
  'after',
  'at',
  'before',
  'changeId',
  'entityId',
  'entityType',
  'id',
  'operation',
  'sequence',
] as const satisfies ReadonlyArray<keyof AuditEntryContent>;

/**
 * The canonical serialization: UTF-8 of a JSON object with exactly the keys above in that (lexicographic) order,
 * no whitespace, strings escaped as JSON.stringify does, absent values as null. `before`/`after` are kept as the JSON
 * text stored, never re-serialized, so the bytes do not depend on how a reader parses them.
 */
export function canonicalEntry(entry: AuditEntryContent): Buffer {
  const ordered: Record<string, unknown> = {};
  for (const key of CANONICAL_KEYS) ordered[key] = entry[key] ?? null;
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

/** SHA-256(0x00 ‖ data): a Merkle leaf (RFC 6962 §2.1). */
export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** SHA-256(0x01 ‖ left ‖ right): an interior node. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** SHA-256 of nothing: the root of the empty tree. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The leaf hash of an entry, hex. */
export function entryLeafHash(entry: AuditEntryContent): string {
  return leafHash(canonicalEntry(entry)).toString('hex');
}

/**
 * Appends leaves to a frontier of a tree of `size` leaves. The frontier lists, left to right, the roots of the
 * perfect subtrees the size's binary digits describe (bit k set ⇒ a subtree of 2^k leaves); appending is a binary
 * increment whose carries are node hashes. Returns the new frontier; `frontier` is not changed.
 */
export function appendToFrontier(frontier: readonly Buffer[], size: number, leaves: readonly Buffer[]): Buffer[] {
  const out = frontier.slice();
  let n = size;
  for (const leaf of leaves) {
    let hash = leaf;
    // Each trailing 1 bit of n is a subtree of the same size as the carry: merge them.
    for (let m = n; m & 1; m = Math.floor(m / 2)) {
      const left = out.pop();
      if (!left) throw new Error(`frontier of ${frontier.length} hashes does not describe a tree of ${size} leaves`);
      hash = nodeHash(left, hash);
    }
    out.push(hash);
    n += 1;
  }
  return out;
}

/**
 * The RFC 6962 root from a frontier: the subtrees joined right to left, which is MTH's split at the largest power of
 * two below n applied recursively (the left part is always the largest remaining perfect subtree).
 */
export function rootOfFrontier(frontier: readonly Buffer[]): Buffer {
  if (frontier.length === 0) return EMPTY_ROOT;
  let root = frontier[frontier.length - 1] as Buffer;
  for (let i = frontier.length - 2; i >= 0; i--) root = nodeHash(frontier[i] as Buffer, root);
  return root;
}

/** The number of frontier hashes a tree of `size` leaves has (its binary digits set). */
export function frontierLength(size: number): number {
  let count = 0;
  for (let m = size; m > 0; m = Math.floor(m / 2)) count += m & 1;
  return count;
}
