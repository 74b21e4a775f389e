/**
 * Who is calling: bearer JWTs (the service's own key, or the OIDC issuer when AUTH_ISSUER is set), API keys and
 * local accounts' browser sessions all resolve to one Principal. Administration of keys and accounts and every
 * session change go through the write path.
 */
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { Db } from '../../shared/db';
import { AuthenticationError, type Principal } from '../../shared/auth';
import {
  BadUserInputError,
  ConflictError,
  fromZodError,
  NotFoundError,
  UnauthenticatedError,
} from '../../shared/errors';
import { ASSIGNABLE_ROLES, authorize, write, type Actor } from '../../shared/write';
import { apiKeyChecksumValid, generateApiKey, generateSessionId, hashSecret, looksLikeApiKey } from './api-keys';
import * as repo from './identity.repository';
import type { ApiKeyRecord, LocalUserRecord } from './identity.repository';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { LoginThrottle } from './login-throttle';
import { DEFAULT_CLAIMS, LocalSigningKey, verifyToken, type ClaimMapping } from './tokens';

export interface OidcConfig {
  issuer: string;
  /** The JWKS address; null: read from the issuer's /.well-known/openid-configuration. */
  jwksUri: string | null;
  claims: ClaimMapping;
}

export interface IdentityConfig {
  /** The service's own Ed25519 key (PKCS#8 PEM, created on first start). */
  keyFile: string;
  /** `iss` of the tokens the service signs. */
  localIssuer: string;
  /** `aud` every accepted token must carry. */
  audience: string;
  clockSkewSeconds: number;
  /** Set: bearer tokens come from this issuer, and the local key signs none. */
  oidc: OidcConfig | null;
  sessionTtlSeconds: number;
  loginMaxFailures: number;
  loginWindowSeconds: number;
}

/** lastUsedAt of an API key is written at most once in this many milliseconds. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface SignedIn {
  sessionId: string;
  expiresAt: string;
  principal: Principal;
}

export interface CreatedApiKey {
  apiKey: ApiKeyRecord;
  secret: string;
}

const rolesSchema = z
  .array(z.string())
  .min(1)
  .refine((roles) => roles.every((r) => ASSIGNABLE_ROLES.includes(r)), {
    message: `roles are among ${ASSIGNABLE_ROLES.join(', ')}`,
  });

const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(200),
  roles: rolesSchema,
  organizationId: z.string().min(1).nullish(),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
});

const createLocalUserInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  name: z.string().trim().min(1).max(200),
  roles: rolesSchema,
  organizationId: z.string().min(1).nullish(),
  password: z.string(),
});

/** The identity module acting for a person who proved who they are (INTERNAL_ROLES in src/shared/write). */
const selfService = (id: string): Actor => ({ id, roles: ['identity-self-service'] });

const userPrincipal = (user: LocalUserRecord): Principal => ({
  id: user.email,
  kind: 'user',
  roles: user.roles,
  organizationId: user.organizationId,
  name: user.name,
});

export class IdentityService {
  private localKey: Promise<LocalSigningKey> | null = null;
  private remoteKeys: Promise<JWTVerifyGetKey> | null = null;
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    readonly config: IdentityConfig,
  ) {
    this.throttle = new LoginThrottle(config.loginMaxFailures, config.loginWindowSeconds * 1000);
  }

  /** Bearer tokens come from the OIDC issuer (true) or the service's own key (false). */
  get usesOidc(): boolean {
    return this.config.oidc !== null;
  }

  /** The local signing key, read or created on first use. */
  signingKey(): Promise<LocalSigningKey> {
    this.localKey ??= LocalSigningKey.loadOrCreate(this.config.keyFile);
    return this.localKey;
  }

  /** The public keys local tokens verify with (published at /.well-known/jwks.json). */
  async jwks(): Promise<{ keys: JWK[] }> {
    return (await this.signingKey()).jwks();
  }

  /** A token signed by the local key (`npm run token`, tests). */
  async mintToken(claims: {
    subject: string;
    roles: readonly string[];
    organizationId?: string | null;
    name?: string | null;
    ttlSeconds: number;
  }): Promise<string> {
    if (this.config.oidc)
      throw new Error(`AUTH_ISSUER is set (${this.config.oidc.issuer}): tokens come from that issuer, not this key`);
    const key = await this.signingKey();
    return key.sign(claims, {
      issuer: this.config.localIssuer,
      audience: this.config.audience,
      ttlSeconds: claims.ttlSeconds,
    });
  }

  /** The principal of an `Authorization: Bearer` credential: an API key (`sgk_…`) or a JWT. */
  async authenticateBearer(credential: string): Promise<Principal> {
    if (looksLikeApiKey(credential)) return this.authenticateApiKey(credential);
    const oidc = this.config.oidc;
    const keys = oidc ? this.oidcKeys(oidc) : (await this.signingKey()).keyResolver();
    return verifyToken(credential, {
      issuer: oidc ? oidc.issuer : this.config.localIssuer,
      audience: this.config.audience,
      clockSkewSeconds: this.config.clockSkewSeconds,
      keys,
      claims: oidc ? oidc.claims : DEFAULT_CLAIMS,
    });
  }

  /** The issuer's key set, its address found through discovery unless configured; fetched again after a failure. */
  private oidcKeys(oidc: OidcConfig): JWTVerifyGetKey {
    return async (header, token) => {
      this.remoteKeys ??= this.discoverKeys(oidc).catch((error: unknown) => {
        this.remoteKeys = null;
        throw error;
      });
      return (await this.remoteKeys)(header, token);
    };
  }

  private async discoverKeys(oidc: OidcConfig): Promise<JWTVerifyGetKey> {
    let jwksUri = oidc.jwksUri;
    if (!jwksUri) {
      const discovery = `${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      let document: { issuer?: unknown; jwks_uri?: unknown };
      try {
        const response = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        document = (await response.json()) as typeof document;
      } catch {
        throw new AuthenticationError(
          'issuer_unavailable',
          `the identity provider's discovery document (${discovery}) could not be read; try again shortly`,
        );
      }
      if (document.issuer !== oidc.issuer || typeof document.jwks_uri !== 'string') {
        console.error(`OIDC discovery at ${discovery}: issuer ${String(document.issuer)} (expected ${oidc.issuer})`);
        throw new AuthenticationError(
          'issuer_unavailable',
          "the identity provider's discovery document does not name this issuer or a jwks_uri (AUTH_ISSUER)",
        );
      }
      jwksUri = document.jwks_uri;
    }
    return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }

  private async authenticateApiKey(secret: string): Promise<Principal> {
    if (!apiKeyChecksumValid(secret))
      throw new AuthenticationError('malformed', 'the API key is mistyped or truncated (its checksum does not match)');
    const key = await this.db.readTx((tx) => repo.findApiKeyBySecretHash(tx, hashSecret(secret)), {
      operation: 'authenticate API key',
    });
    if (!key) throw new AuthenticationError('unknown_key', 'no API key matches; it may have been deleted');
    if (key.revokedAt)
      throw new AuthenticationError('revoked', `API key "${key.name}" was revoked at ${key.revokedAt}`);
    if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now())
      throw new AuthenticationError('expired', `API key "${key.name}" expired at ${key.expiresAt}`);
    await this.noteApiKeyUse(key.id);
    return {
      id: `api-key:${key.id}`,
      kind: 'api-key',
      roles: key.roles,
      organizationId: key.organizationId,
      name: key.name,
    };
  }

  /**
   * Records lastUsedAt at most once a minute per key (per process). It goes through the write path as the key's own
   * bookkeeping and records no audit entry: it changes no one's data, and an entry per minute per key would swamp
   * the log.
   */
  private async noteApiKeyUse(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, now);
    try {
      await write(this.db, selfService(`api-key:${id}`), { name: 'noteApiKeyUse', permission: 'identity.self' }, (tx) =>
        repo.touchApiKey(tx, id),
      );
    } catch (error) {
      // Bookkeeping only: a failed write must not refuse a valid key; the next minute tries again.
      this.lastUsedWritten.delete(id);
      console.error(`lastUsedAt of API key ${id} not recorded`, error);
    }
  }

  /** The principal of a browser session cookie. */
  async authenticateSession(sessionId: string): Promise<Principal> {
    const found = await this.db.readTx((tx) => repo.findSession(tx, hashSecret(sessionId)), {
      operation: 'authenticate session',
    });
    if (!found || found.user.disabled)
      throw new AuthenticationError(
        'session_ended',
        'the session has ended (signed out or account disabled); sign in again',
      );
    if (Date.parse(found.expiresAt) <= Date.now())
      throw new AuthenticationError('expired', `the session expired at ${found.expiresAt}; sign in again`);
    return userPrincipal(found.user);
  }

  /**
   * Checks a local account's password and opens a session. `client` keys the failure count (email and IP); over
   * AUTH_LOGIN_MAX_FAILURES in the window, SignInThrottled.
   */
  async signIn(email: string, password: string, client: string): Promise<SignedIn> {
    const normalized = email.trim().toLowerCase();
    const throttleKey = `${normalized}|${client}`;
    this.throttle.check(throttleKey);
    const user = await this.db.readTx((tx) => repo.findLocalUserByEmail(tx, normalized), { operation: 'signIn' });
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !matches) {
      this.throttle.fail(throttleKey);
      throw new AuthenticationError('invalid_credentials', 'the email or the password is wrong');
    }
    if (user.disabled)
      throw new AuthenticationError('account_disabled', 'this account is disabled; ask an administrator');
    this.throttle.succeed(throttleKey);
    const { sessionId, sessionHash } = generateSessionId();
    const expiresAt = new Date(Date.now() + this.config.sessionTtlSeconds * 1000).toISOString();
    await write(this.db, selfService(user.email), { name: 'signIn', permission: 'identity.self' }, async (tx) => {
      await repo.createSession(tx, user.id, sessionHash, expiresAt);
      tx.audit({ entityType: 'LocalUser', entityId: user.id, action: 'sign-in' });
    });
    return { sessionId, expiresAt, principal: userPrincipal(user) };
  }

  /** Ends the session, if it exists. */
  async signOut(sessionId: string): Promise<void> {
    const sessionHash = hashSecret(sessionId);
    const found = await this.db.readTx((tx) => repo.findSession(tx, sessionHash), { operation: 'signOut' });
    if (!found) return;
    await write(
      this.db,
      selfService(found.user.email),
      { name: 'signOut', permission: 'identity.self' },
      async (tx) => {
        const user = await repo.deleteSession(tx, sessionHash);
        if (user) tx.audit({ entityType: 'LocalUser', entityId: user.id, action: 'sign-out' });
      },
    );
  }

  async createApiKey(actor: Actor | null, input: unknown): Promise<CreatedApiKey> {
    const parsed = createApiKeyInput.safeParse(input);
    if (!parsed.success) throw fromZodError(parsed.error);
    const { name, roles, organizationId, expiresAt } = parsed.data;
    if (expiresAt && Date.parse(expiresAt) <= Date.now())
      throw new BadUserInputError('is in the past', 'input.expiresAt');
    const generated = generateApiKey();
    const apiKey = await write(this.db, actor, { name: 'createApiKey', permission: 'identity.admin' }, async (tx) => {
      const created = await repo.createApiKey(tx, {
        id: randomUUID(),
        name,
        prefix: generated.display,
        roles,
        organizationId: organizationId ?? null,
        expiresAt: expiresAt ?? null,
        createdBy: tx.actor.id,
        secretHash: generated.secretHash,
      });
      tx.audit({ entityType: 'ApiKey', entityId: created.id, action: 'create', after: created });
      return created;
    });
    return { apiKey, secret: generated.secret };
  }

  async revokeApiKey(actor: Actor | null, id: string): Promise<ApiKeyRecord> {
    return write(this.db, actor, { name: 'revokeApiKey', permission: 'identity.admin' }, async (tx) => {
      const before = await repo.findApiKey(tx, id);
      if (!before) throw new NotFoundError('API key', id);
      const after = await repo.revokeApiKey(tx, id);
      if (!after) throw new NotFoundError('API key', id);
      if (!before.revokedAt) tx.audit({ entityType: 'ApiKey', entityId: id, action: 'revoke', before, after });
      return after;
    });
  }

  async apiKeys(actor: Actor | null): Promise<ApiKeyRecord[]> {
    authorize(this.reader(actor, 'apiKeys'), 'identity.admin', 'apiKeys');
    return this.db.readTx((tx) => repo.listApiKeys(tx), { operation: 'apiKeys' });
  }

  async localUsers(actor: Actor | null): Promise<LocalUserRecord[]> {
    authorize(this.reader(actor, 'localUsers'), 'identity.admin', 'localUsers');
    return this.db.readTx((tx) => repo.listLocalUsers(tx), { operation: 'localUsers' });
  }

  async createLocalUser(actor: Actor | null, input: unknown): Promise<LocalUserRecord> {
    const parsed = createLocalUserInput.safeParse(input);
    if (!parsed.success) throw fromZodError(parsed.error);
    const { email, name, roles, organizationId, password } = parsed.data;
    const problem = passwordProblem(password);
    if (problem) throw new BadUserInputError(problem, 'input.password');
    const passwordHash = await hashPassword(password);
    return write(this.db, actor, { name: 'createLocalUser', permission: 'identity.admin' }, async (tx) => {
      if (await repo.findLocalUserByEmail(tx, email))
        throw new ConflictError(`an account with email ${email} exists`, { field: 'input.email' });
      const user = await repo.createLocalUser(tx, {
        id: randomUUID(),
        email,
        name,
        roles,
        organizationId: organizationId ?? null,
        passwordHash,
      });
      tx.audit({ entityType: 'LocalUser', entityId: user.id, action: 'create', after: user });
      return user;
    });
  }

  async disableLocalUser(actor: Actor | null, id: string): Promise<LocalUserRecord> {
    return write(this.db, actor, { name: 'disableLocalUser', permission: 'identity.admin' }, async (tx) => {
      const user = await repo.disableLocalUser(tx, id);
      if (!user) throw new NotFoundError('local account', id);
      tx.audit({ entityType: 'LocalUser', entityId: id, action: 'disable', after: { disabled: true } });
      return user;
    });
  }

  /** The signed-in person's own password; every session of the account ends (sign in again with the new one). */
  async changePassword(actor: Actor | null, currentPassword: string, newPassword: string): Promise<boolean> {
    const principal = this.reader(actor, 'changePassword');
    const user = await this.db.readTx((tx) => repo.findLocalUserByEmail(tx, principal.id), {
      operation: 'changePassword',
    });
    if (!user || user.disabled)
      throw new BadUserInputError(
        `${principal.id} has no local account here (the identity provider holds the password)`,
      );
    if (!(await verifyPassword(currentPassword, user.passwordHash)))
      throw new BadUserInputError('is wrong', 'currentPassword');
    const problem = passwordProblem(newPassword);
    if (problem) throw new BadUserInputError(problem, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await write(
      this.db,
      selfService(user.email),
      { name: 'changePassword', permission: 'identity.self' },
      async (tx) => {
        await repo.setPassword(tx, user.id, passwordHash);
        tx.audit({ entityType: 'LocalUser', entityId: user.id, action: 'change-password' });
      },
    );
    return true;
  }

  private reader(actor: Actor | null, operation: string): Actor {
    if (!actor) throw new UnauthenticatedError(`${operation} needs a signed-in principal`);
    return actor;
  }
}
