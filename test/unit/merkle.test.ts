import { createHash } from 'node:crypto';
import {
  appendToFrontier,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  rootFromInclusionProof,
  rootOfFrontier,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/modules/audit/merkle';

// The Certificate Transparency test inputs (certificate-transparency merkle_tree_test), as hex.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const LEAVES = INPUTS.map((hex) => leafHash(Buffer.from(hex, 'hex')));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (bs: Buffer[]): string[] => bs.map((b) => b.toString('hex'));

/** Deterministic leaves for the round-trip checks. */
function leaves(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
}

describe('Merkle tree hash (RFC 6962)', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(treeHash([]).toString('hex')).toBe(createHash('sha256').digest('hex'));
  });

  it('gives the Certificate Transparency roots for trees of 1 to 8 leaves', () => {
    for (let n = 1; n <= 8; n++) expect(treeHash(LEAVES.slice(0, n)).toString('hex')).toBe(ROOTS[n - 1]);
  });

  it('the frontier gives the same root as MTH after every append, one leaf or several at a time', () => {
    const all = leaves(130);
    let frontier: Buffer[] = [];
    for (let n = 0; n < all.length; n++) {
      frontier = appendToFrontier(frontier, n, [all[n] as Buffer]);
      expect(rootOfFrontier(frontier).equals(treeHash(all.slice(0, n + 1)))).toBe(true);
    }
    let batched: Buffer[] = [];
    let size = 0;
    for (const step of [1, 7, 3, 16, 1, 40, 62]) {
      batched = appendToFrontier(batched, size, all.slice(size, size + step));
      size += step;
      expect(rootOfFrontier(batched).equals(treeHash(all.slice(0, size)))).toBe(true);
    }
    expect(rootOfFrontier([]).equals(EMPTY_ROOT)).toBe(true);
  });
});

describe('inclusion proofs', () => {
  it('match the Certificate Transparency audit paths', () => {
    expect(hex(inclusionProof(LEAVES, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(LEAVES, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(inclusionProof(LEAVES, 2, 3))).toEqual([
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    ]);
    expect(hex(inclusionProof(LEAVES, 1, 5))).toEqual([
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(inclusionProof(LEAVES, 0, 1)).toEqual([]);
  });

  it('verify for every leaf of every tree of 1 to 64 leaves, and fail for a wrong leaf, index, size or path', () => {
    const all = leaves(64);
    for (let n = 1; n <= 64; n++) {
      const root = treeHash(all.slice(0, n));
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(all, m, n);
        expect(verifyInclusion(m, n, all[m] as Buffer, path, root)).toBe(true);
        const other = all[(m + 1) % 64] as Buffer;
        if (n > 1) expect(verifyInclusion(m, n, other, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, all[m] as Buffer, path, root)).toBe(false);
        expect(rootFromInclusionProof(m, n, all[m] as Buffer, [...path, root])).toBeNull();
        if (path.length > 0) {
          const bent = path.map((p, i) => (i === 0 ? leafHash(p) : p));
          expect(verifyInclusion(m, n, all[m] as Buffer, bent, root)).toBe(false);
        }
      }
    }
  });
});

describe('consistency proofs (RFC 6962 §2.1.2)', () => {
  it('match the Certificate Transparency proofs', () => {
    expect(consistencyProof(LEAVES, 1, 1)).toEqual([]);
    expect(hex(consistencyProof(LEAVES, 1, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(LEAVES, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(LEAVES, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('verify for every pair of sizes 1 ≤ m ≤ n ≤ 64, and fail against another root or a bent path', () => {
    const all = leaves(64);
    const roots = Array.from({ length: 65 }, (_, n) => treeHash(all.slice(0, n)));
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(all, m, n);
        const r1 = roots[m] as Buffer;
        const r2 = roots[n] as Buffer;
        expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, roots[m - 1] ?? EMPTY_ROOT, r2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, roots[n - 1] as Buffer, proof)).toBe(false);
          const bent = proof.map((p, i) => (i === proof.length - 1 ? leafHash(p) : p));
          expect(verifyConsistency(m, n, r1, r2, bent)).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, proof.slice(1))).toBe(false);
        }
      }
    }
    expect(verifyConsistency(0, 5, EMPTY_ROOT, roots[5] as Buffer, [])).toBe(true);
  });
});
