/**
 * Authentication over real HTTP on loopback: bearer JWTs of the local key (and every way one can be wrong), API keys,
 * local accounts' session cookies, the sign-in throttle, and OIDC mode against a small issuer served here (discovery
 * and JWKS over node:http; jose verifies for real).
 */
import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { startHttp, type HttpServer } from '../../src/server/http';
import { IdentityService } from '../../src/modules/identity';
import { generateApiKey } from '../../src/modules/identity/api-keys';
import { bearerFor } from '../helpers/auth';
import { ADMIN, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let http: HttpServer;
let admin: { authorization: string };
/** The service's local signing key, read from its file as the service reads it. */
let localKey: KeyObject;
let localKid: string;

const ME = '{ me { id kind roles organizationId name } }';

interface Reply {
  status: number;
  json: any;
  headers: Headers;
}

async function gql(
  server: HttpServer,
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<Reply> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, json: await response.json().catch(() => null), headers: response.headers };
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null), headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed by `key` with the claims given (defaults: the local issuer and audience, an hour). */
function signed(
  key: KeyObject,
  payload: JWTPayload,
  header: { alg: string; kid?: string } = { alg: 'EdDSA', kid: localKid },
): Promise<string> {
  return new SignJWT({ roles: ['viewer'], ...payload })
    .setProtectedHeader(header)
    .setSubject((payload.sub as string | undefined) ?? 'pat@ioko.example')
    .setIssuer((payload.iss as string | undefined) ?? 'servicegraph-local')
    .setAudience((payload.aud as string | undefined) ?? 'servicegraph')
    .setExpirationTime((payload.exp as number | undefined) ?? now() + 3600)
    .sign(key);
}

/** Expects a 401 with `reason`, a message and no library text. */
function expectRefused(reply: Reply, reason: string): void {
  expect(reply.status).toBe(401);
  expect(reply.json.errors).toHaveLength(1);
  expect(reply.json.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
  expect(reply.json.errors[0].message.length).toBeGreaterThan(10);
  expect(JSON.stringify(reply.json)).not.toMatch(/ERR_J|JWS|stack|at .*\.ts:/);
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="servicegraph"/);
}

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  http = await startHttp(h.services, { host: '127.0.0.1', port: 0 });
  admin = await bearerFor(h.services, ADMIN);
  localKey = createPrivateKey(readFileSync(h.services.identity.config.keyFile, 'utf8'));
  localKid = (await h.services.identity.jwks()).keys[0]!.kid!;
});
afterAll(async () => {
  await http.stop();
  await h.close();
});

describe('bearer tokens of the local key', () => {
  it('publishes the public key at /.well-known/jwks.json without a token, and nothing private', async () => {
    const response = await fetch(`${http.origin}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: localKid })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('accepts a valid token: the principal carries its subject, roles and organization', async () => {
    const token = await h.services.identity.mintToken({
      subject: 'joe@ioko.example',
      roles: ['agent'],
      organizationId: 'org-1',
      ttlSeconds: 600,
    });
    const reply = await gql(http, ME, bearer(token));
    expect(reply.status).toBe(200);
    expect(reply.json.data.me).toEqual({
      id: 'joe@ioko.example',
      kind: 'USER',
      roles: ['agent'],
      organizationId: 'org-1',
      name: null,
    });
  });

  it('answers an anonymous request 401 missing_token, on GraphQL and on any other route', async () => {
    expectRefused(await gql(http, ME), 'missing_token');
    const unknownRoute = await fetch(`${http.origin}/nothing-here`);
    expect(unknownRoute.status).toBe(401);
    const health = await fetch(`${http.origin}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses a token whose signature was made by another key under the same kid: bad_signature', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expectRefused(await gql(http, ME, bearer(await signed(privateKey, {}))), 'bad_signature');
  });

  it('refuses a token that names a key the key set does not hold: unknown_key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const token = await signed(privateKey, {}, { alg: 'EdDSA', kid: 'someone-elses-key' });
    expectRefused(await gql(http, ME, bearer(token)), 'unknown_key');
  });

  it('refuses expired tokens and tokens not yet valid, beyond the 30 s clock skew', async () => {
    expectRefused(await gql(http, ME, bearer(await signed(localKey, { exp: now() - 120 }))), 'expired');
    const future = await signed(localKey, { nbf: now() + 600 });
    const early = await gql(http, ME, bearer(future));
    expectRefused(early, 'not_yet_valid');
    expect(early.json.errors[0].message).toContain('30 s');
    // Within the skew both pass.
    expect((await gql(http, ME, bearer(await signed(localKey, { exp: now() - 10 })))).status).toBe(200);
    expect((await gql(http, ME, bearer(await signed(localKey, { nbf: now() + 10 })))).status).toBe(200);
  });

  it('refuses a token of another issuer or another audience, naming what is expected', async () => {
    const issuer = await gql(http, ME, bearer(await signed(localKey, { iss: 'https://evil.example' })));
    expectRefused(issuer, 'wrong_issuer');
    expect(issuer.json.errors[0].message).toContain('"servicegraph-local"');
    const audience = await gql(http, ME, bearer(await signed(localKey, { aud: 'another-service' })));
    expectRefused(audience, 'wrong_audience');
    expect(audience.json.errors[0].message).toContain('"servicegraph"');
  });

  it('refuses alg none and an HS256 token keyed with the public key: algorithm_not_allowed', async () => {
    const claims = {
      sub: 'mallory',
      roles: ['admin'],
      iss: 'servicegraph-local',
      aud: 'servicegraph',
      exp: now() + 600,
    };
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    expectRefused(await gql(http, ME, bearer(unsigned)), 'algorithm_not_allowed');

    const publicJwk = (await h.services.identity.jwks()).keys[0]!;
    for (const secret of [JSON.stringify(publicJwk), Buffer.from(publicJwk.x!, 'base64url')]) {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: localKid })}.${b64(claims)}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      expectRefused(await gql(http, ME, bearer(`${input}.${mac}`)), 'algorithm_not_allowed');
    }
  });

  it('refuses what is not a JWT, and an Authorization header that is not Bearer: malformed', async () => {
    expectRefused(await gql(http, ME, bearer('abc.def')), 'malformed');
    expectRefused(await gql(http, ME, { authorization: 'Basic dXNlcjpwYXNz' }), 'malformed');
    expectRefused(await gql(http, ME, bearer(await signed(localKey, { sub: '' }))), 'malformed');
  });

  it('ignores X-Actor and X-Actor-Roles', async () => {
    expectRefused(await gql(http, ME, { 'x-actor': 'root', 'x-actor-roles': 'admin' }), 'missing_token');
  });
});

describe('API keys', () => {
  const CREATE = `mutation ($i: CreateApiKeyInput!) {
    createApiKey(input: $i) { secret apiKey { id name prefix roles organizationId expiresAt revokedAt lastUsedAt } }
  }`;

  it('are created by an admin (the secret once), authenticate, record lastUsedAt, and answer revoked after revoking', async () => {
    const created = await gql(http, CREATE, admin, {
      i: { name: 'monitoring', roles: ['integration'], organizationId: null },
    });
    expect(created.json.errors).toBeUndefined();
    const { secret, apiKey } = created.json.data.createApiKey;
    expect(secret).toMatch(/^sgk_[0-9A-Za-z]{49}$/);
    expect(secret.startsWith(apiKey.prefix.replace('…', ''))).toBe(true);
    const stored = await h.cypher('MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS k', { id: apiKey.id });
    expect(JSON.stringify(stored)).not.toContain(secret);

    const me = await gql(http, ME, bearer(secret));
    expect(me.json.data.me).toEqual({
      id: `api-key:${apiKey.id}`,
      kind: 'API_KEY',
      roles: ['integration'],
      organizationId: null,
      name: 'monitoring',
    });
    const listed = await gql(http, '{ apiKeys { id lastUsedAt revokedAt } }', admin);
    expect(listed.json.data.apiKeys).toEqual([{ id: apiKey.id, lastUsedAt: expect.any(String), revokedAt: null }]);

    const revoked = await gql(http, 'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', admin, {
      id: apiKey.id,
    });
    expect(revoked.json.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
    const after = await gql(http, ME, bearer(secret));
    expectRefused(after, 'revoked');
    expect(after.json.errors[0].message).toContain('"monitoring"');
  });

  it('are created and listed by admins only', async () => {
    const agent = await bearerFor(h.services, { id: 'ann', roles: ['agent'] });
    const refused = await gql(http, CREATE, agent, { i: { name: 'x', roles: ['viewer'] } });
    expect(refused.json.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await gql(http, '{ apiKeys { id } }', agent)).json.errors[0].extensions.code).toBe('FORBIDDEN');
    const badRole = await gql(http, CREATE, admin, { i: { name: 'x', roles: ['identity-self-service'] } });
    expect(badRole.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a mistyped key by its checksum (malformed) and a well-formed key no one created (unknown_key)', async () => {
    const { secret } = generateApiKey();
    const typo = `${secret.slice(0, 10)}${secret[10] === 'a' ? 'b' : 'a'}${secret.slice(11)}`;
    expectRefused(await gql(http, ME, bearer(typo)), 'malformed');
    expectRefused(await gql(http, ME, bearer(secret.slice(0, -1))), 'malformed');
    expectRefused(await gql(http, ME, bearer(secret)), 'unknown_key');
  });

  it('refuses an expired key', async () => {
    const created = await gql(http, CREATE, admin, {
      i: { name: 'short-lived', roles: ['viewer'], expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    const { secret } = created.json.data.createApiKey;
    expect((await gql(http, ME, bearer(secret))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expectRefused(await gql(http, ME, bearer(secret)), 'expired');
  });
});

describe('local accounts and browser sessions', () => {
  const CREATE_USER = `mutation ($i: CreateLocalUserInput!) { createLocalUser(input: $i) { id email disabled } }`;
  const login = (email: string, password: string) => postJson(`${http.origin}/auth/login`, { email, password });
  const cookieOf = (reply: Reply) => reply.headers.get('set-cookie')!.split(';')[0]!;

  async function createUser(email: string, password: string, roles = ['customer']): Promise<string> {
    const reply = await gql(http, CREATE_USER, admin, {
      i: { email, name: email.split('@')[0], roles, organizationId: 'org-7', password },
    });
    expect(reply.json.errors).toBeUndefined();
    return reply.json.data.createLocalUser.id;
  }

  it('sign in sets an httpOnly SameSite=Strict cookie that authenticates; sign out ends the session', async () => {
    await createUser('cara@customer.example', 'correct horse battery');
    const signedIn = await login('Cara@Customer.example', 'correct horse battery');
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.principal).toEqual({
      id: 'cara@customer.example',
      kind: 'user',
      roles: ['customer'],
      organizationId: 'org-7',
      name: 'cara',
    });
    const setCookie = signedIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sg_session=sgs_[0-9A-Za-z]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = cookieOf(signedIn);
    const stored = await h.cypher('MATCH (s:AuthSession) RETURN properties(s) AS s');
    expect(JSON.stringify(stored)).not.toContain(cookie.split('=')[1]);

    const me = await gql(http, ME, { cookie });
    expect(me.json.data.me).toMatchObject({ id: 'cara@customer.example', kind: 'USER', organizationId: 'org-7' });

    const out = await fetch(`${http.origin}/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expectRefused(await gql(http, ME, { cookie }), 'session_ended');
    const audit = await h.cypher(
      "MATCH (a:AuditEntry) WHERE a.operation IN ['signIn', 'signOut'] RETURN a.actor AS actor, a.action AS action ORDER BY a.sequence",
    );
    expect(audit).toEqual([
      { actor: 'cara@customer.example', action: 'sign-in' },
      { actor: 'cara@customer.example', action: 'sign-out' },
    ]);
  });

  it('refuses a wrong password and an unknown email alike, and a disabled account even with its password', async () => {
    const id = await createUser('dan@customer.example', 'dans long password');
    expectRefused(await login('dan@customer.example', 'not the password'), 'invalid_credentials');
    expectRefused(await login('nobody@customer.example', 'dans long password'), 'invalid_credentials');
    const session = cookieOf(await login('dan@customer.example', 'dans long password'));
    const disabled = await gql(http, 'mutation ($id: ID!) { disableLocalUser(id: $id) { disabled } }', admin, { id });
    expect(disabled.json.data.disableLocalUser).toEqual({ disabled: true });
    expectRefused(await login('dan@customer.example', 'dans long password'), 'account_disabled');
    expectRefused(await gql(http, ME, { cookie: session }), 'session_ended');
  });

  it('answers 429 with Retry-After after 5 failed sign-ins for one email from one address, the right password too', async () => {
    await createUser('eve@customer.example', 'eves long password');
    for (let i = 0; i < 5; i++) expectRefused(await login('eve@customer.example', `guess ${i}`), 'invalid_credentials');
    const throttled = await login('eve@customer.example', 'eves long password');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(throttled.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    // Another account from the same address is not held.
    await createUser('fay@customer.example', 'fays long password');
    expect((await login('fay@customer.example', 'fays long password')).status).toBe(200);
  });

  it('changes the own password with the current one; the old sessions and the old password stop working', async () => {
    await createUser('gus@customer.example', 'gus old password');
    const cookie = cookieOf(await login('gus@customer.example', 'gus old password'));
    const CHANGE = 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    const wrong = await gql(http, CHANGE, { cookie }, { c: 'not it', n: 'gus new password' });
    expect(wrong.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword' });
    const changed = await gql(http, CHANGE, { cookie }, { c: 'gus old password', n: 'gus new password' });
    expect(changed.json.data.changePassword).toBe(true);
    expectRefused(await gql(http, ME, { cookie }), 'session_ended');
    expectRefused(await login('gus@customer.example', 'gus old password'), 'invalid_credentials');
    expect((await login('gus@customer.example', 'gus new password')).status).toBe(200);
  });

  it('a bearer token and a session resolve to the same principal shape; the bearer header wins over a cookie', async () => {
    await createUser('hal@customer.example', 'hals long password', ['viewer']);
    const cookie = cookieOf(await login('hal@customer.example', 'hals long password'));
    const token = await h.services.identity.mintToken({
      subject: 'hal@customer.example',
      roles: ['viewer'],
      organizationId: 'org-7',
      name: 'hal',
      ttlSeconds: 60,
    });
    const viaCookie = await gql(http, ME, { cookie });
    const viaToken = await gql(http, ME, bearer(token));
    expect(viaToken.json.data.me).toEqual(viaCookie.json.data.me);
    expectRefused(await gql(http, ME, { cookie, authorization: 'Bearer nope' }), 'malformed');
  });
});

describe('OIDC mode', () => {
  const ISSUER_AUDIENCE = 'servicegraph-api';
  let issuerServer: Server;
  let issuer: string;
  let oidc: HttpServer;
  let signingKey: KeyObject;
  let discoveries = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    signingKey = pair.privateKey as KeyObject;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    issuerServer = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/realms/ioko/.well-known/openid-configuration') {
        discoveries += 1;
        response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` }));
      } else if (request.url === '/realms/ioko/protocol/openid-connect/certs') {
        response.end(JSON.stringify({ keys: [jwk] }));
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/realms/ioko`;
    const identity = new IdentityService(h.db, {
      ...h.services.identity.config,
      audience: ISSUER_AUDIENCE,
      oidc: {
        issuer,
        jwksUri: null,
        claims: { subject: 'email', roles: 'realm_access.roles', organization: 'tenant' },
      },
    });
    oidc = await startHttp({ ...h.services, identity }, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await oidc.stop();
    await new Promise((resolve) => issuerServer.close(resolve));
  });

  const idpToken = (claims: JWTPayload = {}, kid = 'idp-1') =>
    new SignJWT({
      email: 'ines@ioko.example',
      name: 'Ines',
      realm_access: { roles: ['agent', 'identity-self-service'] },
      tenant: 'org-3',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('5f1c0d9e-0000-4000-8000-000000000001')
      .setIssuer((claims.iss as string | undefined) ?? issuer)
      .setAudience((claims.aud as string | undefined) ?? ISSUER_AUDIENCE)
      .setExpirationTime(now() + 300)
      .sign(signingKey);

  it("accepts the issuer's tokens (keys found through discovery) and maps claims by configuration", async () => {
    const reply = await gql(oidc, ME, bearer(await idpToken()));
    expect(reply.json.errors).toBeUndefined();
    expect(reply.json.data.me).toEqual({
      id: 'ines@ioko.example',
      kind: 'USER',
      roles: ['agent'],
      organizationId: 'org-3',
      name: 'Ines',
    });
    expect((await gql(oidc, ME, bearer(await idpToken()))).status).toBe(200);
    expect(discoveries).toBe(1);
  });

  it('refuses tokens of the local key, of another issuer or audience, and of a key the issuer does not publish', async () => {
    const local = await signed(localKey, { aud: ISSUER_AUDIENCE });
    expectRefused(await gql(oidc, ME, bearer(local)), 'unknown_key');
    expectRefused(await gql(oidc, ME, bearer(await idpToken({ iss: `${issuer}/other` }))), 'wrong_issuer');
    expectRefused(await gql(oidc, ME, bearer(await idpToken({ aud: 'servicegraph' }))), 'wrong_audience');
    expectRefused(await gql(oidc, ME, bearer(await idpToken({}, 'idp-2'))), 'unknown_key');
    expect((await fetch(`${oidc.origin}/.well-known/jwks.json`)).status).toBe(401);
  });
});
