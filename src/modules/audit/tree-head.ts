/**
 * Signed tree heads: the Ed25519 signing key (a PKCS#8 PEM file outside the database, mode 0600, created on first
 * use), the signed message, and the append-only JSON-lines file outside the database every head is also written to.
 * A database attacker can rewrite entries, leaf hashes and the heads stored beside them; the heads in this file,
 * signed with a key the database never holds, are what `npm run audit:verify` trusts.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface TreeHead {
  treeSize: number;
  /** Hex SHA-256 root of the first treeSize entries. */
  rootHash: string;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Base64 Ed25519 signature over `treeHeadMessage`. */
  signature: string;
  /** Hex SHA-256 of the public key (SPKI DER), first 16 bytes: which key signed. */
  keyId: string;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The signed bytes: a versioned, line-separated text of the head's three fields. */
export function treeHeadMessage(head: TreeHead): Buffer {
  return Buffer.from(
    `servicegraph-audit-tree-head/v1\n${head.treeSize}\n${head.rootHash}\n${head.timestamp}\n`,
    'utf8',
  );
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
}

function keyFrom(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** Reads the signing key; with `create`, makes one (mode 0600, folder 0700) when the file does not exist yet. */
export function loadSigningKey(file: string, options: { create: boolean }): SigningKey {
  if (!existsSync(file)) {
    if (!options.create) throw new Error(`no audit signing key at ${file} (AUDIT_SIGNING_KEY_FILE)`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // 'wx': when another process created the file first, keep its key.
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return keyFrom(readFileSync(file, 'utf8'));
}

export function signTreeHead(head: TreeHead, key: SigningKey): SignedTreeHead {
  return {
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    signature: sign(null, treeHeadMessage(head), key.privateKey).toString('base64'),
    keyId: key.keyId,
  };
}

export function verifyTreeHeadSignature(head: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, treeHeadMessage(head), publicKey, Buffer.from(head.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Appends one head as a JSON line (the file and its folder are created on first use). */
export function appendTreeHeadFile(file: string, head: SignedTreeHead): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const line = JSON.stringify({
    treeSize: head.treeSize,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    signature: head.signature,
    keyId: head.keyId,
  });
  appendFileSync(file, `${line}\n`, { mode: 0o600 });
}

/** The heads in the file, in file order; a line that is not a head is reported, never skipped silently. */
export function readTreeHeadFile(file: string): { heads: SignedTreeHead[]; badLines: number[] } {
  if (!existsSync(file)) return { heads: [], badLines: [] };
  const heads: SignedTreeHead[] = [];
  const badLines: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const h = JSON.parse(line) as Partial<SignedTreeHead>;
        if (
          typeof h.treeSize === 'number' &&
          typeof h.rootHash === 'string' &&
          typeof h.timestamp === 'string' &&
          typeof h.signature === 'string'
        ) {
          heads.push({
            treeSize: h.treeSize,
            rootHash: h.rootHash,
            timestamp: h.timestamp,
            signature: h.signature,
            keyId: typeof h.keyId === 'string' ? h.keyId : '',
          });
        } else badLines.push(i + 1);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { heads, badLines };
}
