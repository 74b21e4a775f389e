/**
 * Merkle tree hashes and proofs of RFC 6962 §2.1 / RFC 9162 §2.1, pure: MTH over a list of leaf hashes (split at the
 * largest power of two below n, no duplicated odd nodes), inclusion and consistency proofs, and their verification
 * (RFC 9162 §2.1.3.2 and §2.1.4.2). Leaf and node hashing are the write path's (src/shared/write/audit-hash.ts),
 * so the append and the proofs cannot disagree on them.
 */
import { EMPTY_ROOT, nodeHash } from '../../shared/write';

export { EMPTY_ROOT, leafHash, nodeHash, appendToFrontier, rootOfFrontier } from '../../shared/write';

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes (already H(0x00 ‖ d)). */
export function treeHash(leaves: readonly Buffer[], from = 0, to = leaves.length): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from] as Buffer;
  const k = splitPoint(n);
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
}

/** PATH(m, D[n]): the audit path of leaf m in the tree of the first `size` leaves, leaf-side first. */
export function inclusionProof(leaves: readonly Buffer[], index: number, size = leaves.length): Buffer[] {
  if (!Number.isInteger(size) || size < 1 || size > leaves.length) throw new RangeError(`no tree of size ${size}`);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`no leaf ${index} in size ${size}`);
  const path = (m: number, from: number, to: number): Buffer[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, from, from + k), treeHash(leaves, from + k, to)]
      : [...path(m - k, from + k, to), treeHash(leaves, from, from + k)];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: that the tree of `first` leaves is a prefix of the tree of `second`. */
export function consistencyProof(leaves: readonly Buffer[], first: number, second = leaves.length): Buffer[] {
  if (!Number.isInteger(second) || second < 0 || second > leaves.length) throw new RangeError(`no tree of ${second}`);
  if (!Number.isInteger(first) || first < 0 || first > second)
    throw new RangeError(`no consistency ${first}→${second}`);
  if (first === 0 || first === second) return [];
  const subproof = (m: number, from: number, to: number, complete: boolean): Buffer[] => {
    const n = to - from;
    if (m === n) return complete ? [] : [treeHash(leaves, from, to)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, from, from + k, complete), treeHash(leaves, from + k, to)]
      : [...subproof(m - k, from + k, to, false), treeHash(leaves, from, from + k)];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof's length does not fit. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
): Buffer | null {
  if (index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Buffer,
  path: readonly Buffer[],
  root: Buffer,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, path);
  return computed !== null && computed.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `path` proves the tree (first, firstRoot) a prefix of (second, secondRoot). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  path: readonly Buffer[],
): boolean {
  if (first < 0 || first > second) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return path.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (path.length === 0) return false;
  const isPowerOfTwo = (first & (first - 1)) === 0;
  const proof = isPowerOfTwo ? [firstRoot, ...path] : [...path];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0] as Buffer;
  let sr = proof[0] as Buffer;
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}
