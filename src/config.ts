/** Environment, parsed once with zod into one typed object. */
import { join } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from './paths';

const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((v) => v === 'true');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  /** A running Neo4j to use. When unset, `npm start` starts the local Maven-provisioned one. */
  NEO4J_URI: z.string().url().optional(),
  NEO4J_USER: z.string().default('neo4j'),
  NEO4J_PASSWORD: z.string().default(''),
  NEO4J_DATABASE: z.string().default('neo4j'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Import sources from highest to lowest precedence; an attribute set by a higher one is kept. */
  SOURCE_PRECEDENCE: z.string().default('manual,discovery,import'),
  /** Load the demo CMDB on start when the database holds no CI. */
  LOAD_DEMO: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),

  /** The Ed25519 key audit tree heads are signed with (created on first start, mode 0600); never in the database. */
  AUDIT_SIGNING_KEY_FILE: z.string().default(join(PROJECT_ROOT, '.servicegraph', 'keys', 'audit-ed25519.pem')),
  /** Every signed audit tree head is appended here as well, outside the database; `npm run audit:verify` reads it. */
  AUDIT_TREE_HEAD_FILE: z.string().default(join(PROJECT_ROOT, '.servicegraph', 'audit', 'tree-heads.jsonl')),
  /** How often the service signs a tree head of the audit log (0: only on demand). */
  AUDIT_TREE_HEAD_INTERVAL_MINUTES: z.coerce.number().min(0).default(60),

  // Limits on GraphQL documents, checked before any resolver runs (src/server/armor.ts, src/server/query-cost.ts).
  // A document over one is refused with GRAPHQL_VALIDATION_FAILED (tokens: GRAPHQL_PARSE_FAILED), HTTP 400, and
  // `extensions.limit` naming the variable below.
  /**
   * Fields nested in one operation (fragments count where they are spread). Under `__schema` the bound is 16, or
   * this when larger: the standard introspection query is 15 deep.
   */
  GRAPHQL_MAX_DEPTH: positiveInt(12),
  /** Aliased fields in one operation (`__typename` aliases not counted). */
  GRAPHQL_MAX_ALIASES: positiveInt(20),
  /** Directives in one operation. */
  GRAPHQL_MAX_DIRECTIVES: positiveInt(50),
  /** Lexical tokens in one document (the standard introspection query has about 160). */
  GRAPHQL_MAX_TOKENS: positiveInt(5000),
  /**
   * Estimated cost of one operation: every field costs 1, and a field's subtree counts as many times as the list it
   * returns may hold — its `first` / `last` / `limit` argument, the length of an ID-list argument (`ids`, `ciIds`),
   * or 10 for a list with neither. A page of 500 CIs with two levels of relationships costs about 230,000.
   */
  GRAPHQL_MAX_COST: positiveInt(500_000),
  /** Items in one list argument (`ciIds`, `ids`, ...) unless the table in src/server/query-cost.ts names another cap. */
  GRAPHQL_MAX_LIST_LENGTH: positiveInt(1000),
  /** Schema introspection (`__schema`, `__type`): on, so frontends and integrations can generate their types. */
  GRAPHQL_INTROSPECTION: flag('true'),
  /** "Did you mean ...?" in validation errors; off by default under NODE_ENV=production. */
  GRAPHQL_FIELD_SUGGESTIONS: z.enum(['true', 'false']).optional(),
  NODE_ENV: z.string().optional(),

  /** Neo4j transaction timeout: a statement running longer is ended and answers QUERY_TIMEOUT. */
  NEO4J_TX_TIMEOUT_MS: positiveInt(30_000),
  /** The timeout of an import's transactions (a batch of 5,000 records, or a whole atomic import). */
  NEO4J_IMPORT_TX_TIMEOUT_MS: positiveInt(600_000),

  /** Requests a principal (the actor, else the client IP) may make per minute; over it, HTTP 429 with Retry-After. */
  RATE_LIMIT_PER_MINUTE: positiveInt(600),
  /**
   * Origins browsers may call the API from (comma-separated, exact `scheme://host[:port]`). Unset: the service's own
   * origin only. `*` is refused.
   */
  CORS_ORIGINS: z
    .string()
    .optional()
    .refine((v) => !v?.split(',').some((o) => o.trim() === '*'), 'list the allowed origins; * is not accepted'),
  /** Largest request body accepted (an import document of some thousands of CIs fits); larger gets HTTP 413. */
  HTTP_BODY_LIMIT_BYTES: positiveInt(32 * 1024 * 1024),

  // Authentication (src/modules/identity, src/server/authenticate.ts). Every request but /healthz, /readyz, the JWKS
  // and /auth/login|logout needs `Authorization: Bearer <JWT or API key>` or a session cookie.
  /**
   * An OIDC issuer whose tokens are accepted (exactly its `iss`). Unset: the service signs its own tokens with the
   * key in AUTH_KEY_FILE (`npm run token`) and publishes it at /.well-known/jwks.json.
   */
  AUTH_ISSUER: z.string().url().optional(),
  /** `aud` every token must carry. */
  AUTH_AUDIENCE: z.string().min(1).default('servicegraph'),
  /** The issuer's JWKS; unset, read from `${AUTH_ISSUER}/.well-known/openid-configuration`. */
  AUTH_JWKS_URI: z.string().url().optional(),
  /** Claims of an OIDC token holding the principal's id, its roles (list or space-separated) and organization id. */
  AUTH_CLAIM_SUBJECT: z.string().min(1).default('sub'),
  AUTH_CLAIM_ROLES: z.string().min(1).default('roles'),
  AUTH_CLAIM_ORG: z.string().min(1).default('org'),
  /** Clock difference tolerated on `exp` and `nbf`. */
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** `iss` of the tokens the service signs itself. */
  AUTH_LOCAL_ISSUER: z.string().min(1).default('servicegraph-local'),
  /** The service's Ed25519 token signing key (PKCS#8 PEM, created on first start, mode 0600); never in the database. */
  AUTH_KEY_FILE: z.string().default(join(PROJECT_ROOT, '.servicegraph', 'keys', 'auth-ed25519.pem')),
  /** How long a browser session (POST /auth/login) lasts. */
  AUTH_SESSION_TTL_MINUTES: positiveInt(480),
  /** Failed sign-ins per email and client address within AUTH_LOGIN_WINDOW_MINUTES before HTTP 429. */
  AUTH_LOGIN_MAX_FAILURES: positiveInt(5),
  AUTH_LOGIN_WINDOW_MINUTES: positiveInt(15),
});

export type Config = z.infer<typeof schema> & {
  sourcePrecedence: string[];
  /** CORS_ORIGINS as a list; empty when unset (the HTTP host then allows its own origin). */
  corsOrigins: string[];
  /** GRAPHQL_FIELD_SUGGESTIONS, or its default for NODE_ENV. */
  fieldSuggestions: boolean;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  const split = (s: string): string[] =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    ...parsed.data,
    sourcePrecedence: split(parsed.data.SOURCE_PRECEDENCE),
    corsOrigins: split(parsed.data.CORS_ORIGINS ?? ''),
    fieldSuggestions: parsed.data.GRAPHQL_FIELD_SUGGESTIONS
      ? parsed.data.GRAPHQL_FIELD_SUGGESTIONS === 'true'
      : parsed.data.NODE_ENV !== 'production',
  };
}
