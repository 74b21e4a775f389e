/**
 * The form of API keys and session ids: a recognisable prefix, 32 random bytes in base62 (43 characters), and for
 * API keys a CRC32 checksum (6 base62 characters) so a mistyped or truncated key is refused without a database read.
 * Only the SHA-256 of a secret is stored: the secret carries 256 bits of randomness, so a slow hash adds nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const API_KEY_PREFIX = 'sgk_';
export const SESSION_PREFIX = 'sgs_';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LENGTH = 43; // 62^43 > 2^256
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32

function base62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, '0');
}

function randomBody(): string {
  return base62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
}

const checksumOf = (prefixed: string): string => base62(BigInt(crc32(prefixed)), CHECKSUM_LENGTH);

/** SHA-256 hex of a secret: what is stored and looked up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface NewApiKey {
  /** Shown once to whoever created it; never stored. */
  secret: string;
  secretHash: string;
  /** The prefix and first characters, stored so a listing can name the key without revealing it. */
  display: string;
}

export function generateApiKey(): NewApiKey {
  const prefixed = `${API_KEY_PREFIX}${randomBody()}`;
  const secret = `${prefixed}${checksumOf(prefixed)}`;
  return { secret, secretHash: hashSecret(secret), display: `${secret.slice(0, API_KEY_PREFIX.length + 6)}…` };
}

export const looksLikeApiKey = (credential: string): boolean => credential.startsWith(API_KEY_PREFIX);

/** True when `secret` has an API key's length, alphabet and a checksum that matches. */
export function apiKeyChecksumValid(secret: string): boolean {
  if (secret.length !== API_KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  if (!looksLikeApiKey(secret)) return false;
  const rest = secret.slice(API_KEY_PREFIX.length);
  for (const c of rest) if (!ALPHABET.includes(c)) return false;
  const prefixed = secret.slice(0, -CHECKSUM_LENGTH);
  return checksumOf(prefixed) === secret.slice(-CHECKSUM_LENGTH);
}

/** A browser session id: the cookie's value. */
export function generateSessionId(): { sessionId: string; sessionHash: string } {
  const sessionId = `${SESSION_PREFIX}${randomBody()}`;
  return { sessionId, sessionHash: hashSecret(sessionId) };
}
