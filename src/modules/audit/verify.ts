/**
 * The whole-log check `npm run audit:verify` runs (and the tests run on tampered copies): entries in sequence order
 * against their own leaf hashes, and every prefix a signed tree head covers against that head's root. Pure: entries
 * and heads in, a report out.
 */
import type { KeyObject } from 'node:crypto';
import { appendToFrontier, entryLeafHash, rootOfFrontier, type AuditEntryContent } from '../../shared/write';
import { verifyTreeHeadSignature, type SignedTreeHead } from './tree-head';

export interface StoredAuditEntry extends AuditEntryContent {
  /** The leaf hash stored on the entry (hex), or null when the entry has none. */
  leafHash: string | null;
}

export interface VerifyReport {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** Signed heads whose root was recomputed and matched. */
  headsMatched: number;
  /** The largest signed tree size, or null without a valid head. */
  signedSize: number | null;
  /** The longest prefix of the log a signed head proves (0 when none does). */
  verifiedPrefix: number;
  /**
   * The first entry (sequence) found bad: edited (its leaf hash disagrees), missing, out of place, or the first
   * missing one of a truncated tail. When only a head's root disagrees (leaf hashes rewritten to match), the earliest
   * sequence that can be the bad one: `verifiedPrefix`.
   */
  firstBadSequence: number | null;
  /** What is wrong, first problem first. */
  problems: string[];
}

const MAX_PROBLEMS = 20;

/**
 * Checks `entries` (as read, in sequence order) against `heads` signed by `publicKey`. Every head's signature must
 * hold; at least one valid head is needed (else a truncated log cannot be told from a short one).
 */
export function verifyAuditLog(
  entries: readonly StoredAuditEntry[],
  heads: readonly SignedTreeHead[],
  publicKey: KeyObject,
): VerifyReport {
  const problems: string[] = [];
  /** The first entry with evidence of its own: a leaf hash that disagrees, a gap, a reordering, a missing tail. */
  let firstBad: number | null = null;
  const bad = (sequence: number, problem: string): void => {
    if (firstBad === null || sequence < firstBad) firstBad = sequence;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };
  /** The size of the first signed head whose root the log does not reproduce. */
  let firstMismatch: number | null = null;
  const mismatch = (headSize: number, problem: string): void => {
    firstMismatch ??= headSize;
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };

  const valid: SignedTreeHead[] = [];
  for (const head of heads) {
    if (verifyTreeHeadSignature(head, publicKey)) valid.push(head);
    else if (problems.length < MAX_PROBLEMS)
      problems.push(`tree head of size ${head.treeSize} (${head.timestamp}) has an invalid signature`);
  }
  valid.sort((a, b) => a.treeSize - b.treeSize);
  const rootsBySize = new Map<number, string>();
  for (const head of valid) {
    const seen = rootsBySize.get(head.treeSize);
    if (seen !== undefined && seen !== head.rootHash)
      problems.push(`two signed heads of size ${head.treeSize} disagree on the root`);
    rootsBySize.set(head.treeSize, head.rootHash);
  }
  const signedSize = valid.length ? (valid[valid.length - 1] as SignedTreeHead).treeSize : null;
  if (signedSize === null) problems.push('no validly signed tree head to check the log against');

  let frontier: Buffer[] = [];
  let size = 0;
  let lastMatched = 0;
  let headsMatched = 0;
  let rootMismatch = false;
  const pending = valid.map((h) => h.treeSize).filter((s, i, all) => all.indexOf(s) === i);
  let next = 0;
  const checkHeadsAt = (n: number): void => {
    while (next < pending.length && (pending[next] as number) <= n) {
      const headSize = pending[next] as number;
      next += 1;
      if (headSize !== n) continue;
      const root = rootOfFrontier(frontier).toString('hex');
      if (root === rootsBySize.get(headSize)) {
        headsMatched += 1;
        if (!rootMismatch) lastMatched = headSize;
      } else {
        rootMismatch = true;
        mismatch(
          headSize,
          `the first ${headSize} entries do not hash to the signed root of that size: an entry in sequences ` +
            `${lastMatched}..${headSize - 1} was changed, removed, inserted or reordered`,
        );
      }
    }
  };
  checkHeadsAt(0);

  let outOfPlace = false;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as StoredAuditEntry;
    if (entry.sequence !== i) {
      // Everything after a gap or a reordering is out of place: the first such entry is the one to name.
      const missing = entry.sequence > i;
      bad(
        Math.min(i, entry.sequence),
        missing
          ? `sequence ${i} is missing (the next entry read is ${entry.sequence}): an entry was deleted`
          : `entry at position ${i} has sequence ${entry.sequence}: entries were reordered or duplicated`,
      );
      outOfPlace = true;
      break;
    }
    const recomputed = entryLeafHash(entry);
    if (entry.leafHash !== recomputed) {
      bad(
        entry.sequence,
        entry.leafHash === null
          ? `entry ${entry.sequence} has no leaf hash`
          : `entry ${entry.sequence} (${entry.id}) does not hash to its stored leaf hash: it was edited`,
      );
    }
    frontier = appendToFrontier(frontier, size, [Buffer.from(recomputed, 'hex')]);
    size += 1;
    checkHeadsAt(size);
  }
  if (signedSize !== null && size < signedSize && !outOfPlace) {
    bad(size, `the log ends at ${size} entries but a signed tree head covers ${signedSize}: the tail was truncated`);
  }
  // A root that disagrees with no bad entry below its size to explain it: the entries were rewritten together with
  // their leaf hashes, and the first one not proven by a matching head is the earliest that can be bad.
  const explained = firstBad !== null && firstMismatch !== null && firstBad < firstMismatch;
  if (firstMismatch !== null && !explained) firstBad = lastMatched;
  return {
    ok: problems.length === 0,
    entries: entries.length,
    headsMatched,
    signedSize,
    verifiedPrefix: lastMatched,
    firstBadSequence: firstBad,
    problems,
  };
}
