/**
 * What the HTTP host enforces before a request reaches GraphQL: allowed CORS origins, a per-principal rate limit
 * (HTTP 429 with Retry-After) and, through Fastify's bodyLimit, the largest body (HTTP 413). Health and readiness
 * are never rate-limited.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadConfig, type Config } from '../config';
import { DEFAULT_GRAPHQL_LIMITS, graphqlLimitsFrom, type GraphQLLimits } from './armor';

export interface HttpLimits {
  bodyLimitBytes: number;
  /** Origins browsers may call from; empty: the host's own origin only. */
  corsOrigins: string[];
  rateLimitPerMinute: number;
  graphql: GraphQLLimits;
}

export function httpLimitsFrom(config: Config): HttpLimits {
  return {
    bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    graphql: graphqlLimitsFrom(config),
  };
}

const defaults = loadConfig({});
/** The limits an empty environment gives (the defaults documented in src/config.ts). */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyLimitBytes: defaults.HTTP_BODY_LIMIT_BYTES,
  corsOrigins: defaults.corsOrigins,
  rateLimitPerMinute: defaults.RATE_LIMIT_PER_MINUTE,
  graphql: DEFAULT_GRAPHQL_LIMITS,
};

/** Routes every client may call as often as it likes (orchestrators poll them). */
export const RATE_LIMIT_EXEMPT: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

export interface GuardOptions {
  /** The id of the request's principal, when it has one; the rate limit counts per principal, else per client IP. */
  principalOf(request: FastifyRequest): string | null | undefined;
  /** The host's own origin, known once it listens. */
  ownOrigin(): string;
}

/**
 * Registers CORS and the rate limit on `app` (before its routes). CORS answers an allowed origin's preflight with
 * 204 and the Access-Control-Allow-* headers; any other origin's preflight gets 403 and no CORS header, so browsers
 * refuse its cross-origin calls.
 */
export async function registerGuards(app: FastifyInstance, limits: HttpLimits, options: GuardOptions): Promise<void> {
  const allowed = (origin: string): boolean =>
    limits.corsOrigins.length ? limits.corsOrigins.includes(origin) : origin === options.ownOrigin();
  await app.register(cors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    methods: ['GET', 'POST'],
    maxAge: 600,
  });
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' && origin && !allowed(origin))
      return reply.code(403).send({ error: `origin ${origin} is not allowed (CORS_ORIGINS)` });
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const principal = options.principalOf(request);
      return principal ? `principal:${principal}` : `ip:${request.ip}`;
    },
    allowList: (request) => RATE_LIMIT_EXEMPT.has(request.routeOptions.url ?? ''),
    // A GraphQL-shaped body, so clients read the refusal where they read every other error.
    errorResponseBuilder: (_request, context) => {
      const message = `rate limit of ${context.max} requests a minute exceeded; retry in ${context.after} (RATE_LIMIT_PER_MINUTE)`;
      return {
        statusCode: 429,
        message,
        errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Math.ceil(context.ttl / 1000) } }],
      };
    },
  });
}
