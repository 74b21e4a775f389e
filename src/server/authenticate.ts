/**
 * Authentication on the HTTP host. Every request gets its principal from `Authorization: Bearer <JWT | API key>` or,
 * without that header, from the session cookie a local sign-in set; every route but PUBLIC_ROUTES refuses a request
 * without one: HTTP 401, a GraphQL-shaped body whose `extensions.reason` says what to fix, and a WWW-Authenticate
 * header (RFC 6750).
 *
 * Sessions are server-side (an opaque random id in the cookie, its SHA-256 in the database) rather than a signed
 * token: sign-out and disabling an account end the session at the next request, and a copied cookie is worthless
 * after sign-out. The cost is one indexed read per request, the same as an API key's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, type Principal } from '../shared/auth';
import { SESSION_PREFIX, SignInThrottled, type IdentityService } from '../modules/identity';

export const SESSION_COOKIE = 'sg_session';
export const JWKS_PATH = '/.well-known/jwks.json';
export const LOGIN_PATH = '/auth/login';
export const LOGOUT_PATH = '/auth/logout';

/** Routes answered without a principal: liveness, readiness, the public keys and signing in and out. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', JWKS_PATH, LOGIN_PATH, LOGOUT_PATH]);

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts for; null until authenticated, or when it could not be. */
    principal: Principal | null;
    /** Why the request has no principal. */
    authFailure: AuthenticationError | null;
  }
}

/** The value of cookie `name` in the request's Cookie header. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

async function principalOf(request: FastifyRequest, identity: IdentityService): Promise<Principal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1])
      throw new AuthenticationError('malformed', 'the Authorization header is not "Bearer <token or API key>"');
    return identity.authenticateBearer(match[1]);
  }
  const session = cookieOf(request, SESSION_COOKIE);
  if (session?.startsWith(SESSION_PREFIX)) return identity.authenticateSession(session);
  throw new AuthenticationError(
    'missing_token',
    'sign in: send Authorization: Bearer <token or API key>, or sign in at POST /auth/login for a session cookie',
  );
}

function unauthenticated(reply: FastifyReply, failure: AuthenticationError): FastifyReply {
  const description = failure.message.replace(/["\\]/g, "'");
  reply.header(
    'www-authenticate',
    failure.reason === 'missing_token'
      ? 'Bearer realm="servicegraph"'
      : `Bearer realm="servicegraph", error="invalid_token", error_description="${description}"`,
  );
  return reply
    .code(401)
    .send({ errors: [{ message: failure.message, extensions: { code: 'UNAUTHENTICATED', reason: failure.reason } }] });
}

/**
 * Resolves `request.principal` (or `request.authFailure`) on every request. Register it before the rate limit, so
 * that counts per principal.
 */
export function resolvePrincipals(app: FastifyInstance, identity: IdentityService): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('authFailure', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS') return; // CORS preflights carry no credentials
    try {
      request.principal = await principalOf(request, identity);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        request.authFailure = error;
        return;
      }
      console.error('authentication failed unexpectedly', error);
      const message = 'credentials could not be checked just now; try again shortly';
      return reply.code(503).send({ errors: [{ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
}

/**
 * Answers 401 to a request without a principal on any route but PUBLIC_ROUTES (and CORS preflights). It runs before
 * the body is read but after every onRequest hook, the rate limit's per-route one included, so refused requests
 * count against their client's limit.
 */
export function requirePrincipals(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, reply) => {
    if (request.principal || request.method === 'OPTIONS') return;
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    unauthenticated(reply, request.authFailure ?? new AuthenticationError('missing_token', 'sign in'));
  });
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** The JWKS of the local key (when tokens are not an OIDC issuer's), sign-in and sign-out. */
export function registerAuthRoutes(app: FastifyInstance, identity: IdentityService): void {
  if (!identity.usesOidc) app.get(JWKS_PATH, async () => identity.jwks());

  app.post(LOGIN_PATH, async (request, reply) => {
    const body = (request.body ?? {}) as { email?: unknown; password?: unknown };
    if (typeof body.email !== 'string' || typeof body.password !== 'string' || !body.email || !body.password) {
      const message = 'send a JSON body {"email": "…", "password": "…"}';
      return reply.code(400).send({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
    try {
      const signedIn = await identity.signIn(body.email, body.password, request.ip);
      const maxAge = Math.max(0, Math.floor((Date.parse(signedIn.expiresAt) - Date.now()) / 1000));
      reply.header('set-cookie', sessionCookie(request, signedIn.sessionId, maxAge));
      return { principal: signedIn.principal, expiresAt: signedIn.expiresAt };
    } catch (error) {
      if (error instanceof AuthenticationError) return unauthenticated(reply, error);
      if (error instanceof SignInThrottled) {
        reply.header('retry-after', String(error.retryAfterSeconds));
        return reply.code(429).send({
          errors: [
            {
              message: error.message,
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: error.retryAfterSeconds },
            },
          ],
        });
      }
      throw error;
    }
  });

  app.post(LOGOUT_PATH, async (request, reply) => {
    const session = cookieOf(request, SESSION_COOKIE);
    if (session?.startsWith(SESSION_PREFIX)) await identity.signOut(session);
    reply.header('set-cookie', sessionCookie(request, '', 0));
    return reply.code(204).send();
  });
}
