/**
 * Bearer JWTs: the service's own Ed25519 signing key (created on first start, never in the database), its JWKS, and
 * verification with jose, issuer, audience and algorithms pinned. A failed verification becomes an
 * AuthenticationError whose reason and message say what to fix; jose's own messages never reach a client.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AuthenticationError, type Principal } from '../../shared/auth';
import { INTERNAL_ROLES } from '../../shared/write';

/**
 * Signature algorithms a token may use: EdDSA (the local key), ES256 and RS256 (what OIDC issuers sign with).
 * `none` and the HS* family are never accepted, so a token "signed" with a public key as an HMAC secret is refused.
 */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['EdDSA', 'ES256', 'RS256'];

/** Where in a token's claims the principal's subject, roles and organization are read. */
export interface ClaimMapping {
  subject: string;
  roles: string;
  organization: string;
}

export const DEFAULT_CLAIMS: ClaimMapping = { subject: 'sub', roles: 'roles', organization: 'org' };

/** The service's own signing key and its public JWK (`kid` is the RFC 7638 thumbprint). */
export class LocalSigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicJwk: JWK,
  ) {}

  /**
   * Reads the PKCS#8 PEM key at `file`, creating an Ed25519 key there (folder 0700, file 0600) when it does not
   * exist. A key file others may read is refused.
   */
  static async loadOrCreate(file: string): Promise<LocalSigningKey> {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ed25519');
      const created = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      try {
        writeFileSync(file, created, { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
        pem = created;
      } catch (raced) {
        // Another process created it between the read and the write: use theirs.
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        pem = readFileSync(file, 'utf8');
      }
    }
    if ((statSync(file).mode & 0o077) !== 0)
      throw new Error(`${file}: the token signing key is readable by others; run chmod 600 on it`);
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(`${file}: expected an Ed25519 private key, found ${privateKey.asymmetricKeyType ?? 'none'}`);
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(jwk);
    return new LocalSigningKey(privateKey, { ...jwk, kid, alg: 'EdDSA', use: 'sig' });
  }

  /** The JWKS published at /.well-known/jwks.json. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** A resolver of verification keys for jwtVerify: this key only. */
  keyResolver(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks());
  }

  async sign(
    claims: { subject: string; roles: readonly string[]; organizationId?: string | null; name?: string | null },
    options: { issuer: string; audience: string; ttlSeconds: number },
  ): Promise<string> {
    const payload: JWTPayload = { roles: [...claims.roles] };
    if (claims.organizationId) payload.org = claims.organizationId;
    if (claims.name) payload.name = claims.name;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.publicJwk.kid })
      .setSubject(claims.subject)
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds)
      .sign(this.privateKey);
  }
}

export interface VerifyOptions {
  issuer: string;
  audience: string;
  clockSkewSeconds: number;
  keys: JWTVerifyGetKey;
  claims: ClaimMapping;
}

/** A claim by name, or by a dotted path into nested objects (`realm_access.roles`) when no claim has the name. */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (name in payload) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Roles from a claim holding a list, or a space- or comma-separated string; internal roles are dropped. */
export function rolesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return [...new Set(list.filter((r): r is string => typeof r === 'string' && r !== '' && !INTERNAL_ROLES.has(r)))];
}

const quoted = (value: unknown): string => JSON.stringify(String(value).slice(0, 200));

/** Verifies `token` and maps its claims to a principal; every failure is an AuthenticationError with a reason. */
export async function verifyToken(token: string, options: VerifyOptions): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: [...ACCEPTED_ALGORITHMS],
      clockTolerance: options.clockSkewSeconds,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw failureOf(error, token, options);
  }
  const subject = claimAt(payload, options.claims.subject);
  if (typeof subject !== 'string' || subject === '')
    throw new AuthenticationError('malformed', `the token has no subject (claim ${quoted(options.claims.subject)})`);
  const organization = claimAt(payload, options.claims.organization);
  const name = typeof payload.name === 'string' ? payload.name : typeof payload.email === 'string' ? payload.email : '';
  return {
    id: subject,
    kind: 'user',
    roles: rolesOf(claimAt(payload, options.claims.roles)),
    organizationId: typeof organization === 'string' && organization !== '' ? organization : null,
    ...(name ? { name } : {}),
  };
}

function headerOf(token: string): { alg?: string; kid?: string } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

function failureOf(error: unknown, token: string, options: VerifyOptions): AuthenticationError {
  if (error instanceof AuthenticationError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'unknown';
    return new AuthenticationError('expired', `the token expired at ${exp}; sign in again or get a new token`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const { claim, payload } = error;
    if (claim === 'nbf')
      return new AuthenticationError(
        'not_yet_valid',
        `the token is not valid before ${typeof payload.nbf === 'number' ? new Date(payload.nbf * 1000).toISOString() : 'its nbf'} ` +
          `(allowed clock skew ${options.clockSkewSeconds} s); check the issuing machine's clock`,
      );
    if (claim === 'iss')
      return new AuthenticationError(
        'wrong_issuer',
        `the token was issued by ${payload.iss === undefined ? 'no issuer' : quoted(payload.iss)}; this service accepts tokens from ${quoted(options.issuer)}`,
      );
    if (claim === 'aud')
      return new AuthenticationError(
        'wrong_audience',
        `the token is for audience ${payload.aud === undefined ? '(none)' : quoted(payload.aud)}; this service is ${quoted(options.audience)}`,
      );
    return new AuthenticationError('malformed', `the token's ${quoted(claim)} claim is missing or invalid`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const alg = headerOf(token).alg;
    return new AuthenticationError(
      'algorithm_not_allowed',
      `the token is signed with ${alg === undefined ? 'no algorithm' : quoted(alg)}; accepted: ${ACCEPTED_ALGORITHMS.join(', ')}`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    const kid = headerOf(token).kid;
    return new AuthenticationError(
      'unknown_key',
      `the token's signing key ${kid === undefined ? '(no kid)' : quoted(kid)} is not in the issuer's key set`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new AuthenticationError('bad_signature', "the token's signature does not verify against the issuer's key");
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  )
    return new AuthenticationError(
      'issuer_unavailable',
      "the identity provider's signing keys could not be fetched; try again shortly",
    );
  return new AuthenticationError('malformed', 'the bearer token is not a well-formed signed JWT');
}
