/**
 * The GraphQL surface's limits over HTTP: hostile documents refused before any resolver runs (counted with an
 * Apollo willResolveField plugin and the Db's statement counter), the rate limit, CORS, the body limit, the
 * transaction timeout, introspection and field suggestions.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { getIntrospectionQuery } from 'graphql';
import { loadConfig } from '../../src/config';
import type { GraphQLContext, Services } from '../../src/context';
import { createApollo, contextFor } from '../../src/server/app';
import { DEFAULT_GRAPHQL_LIMITS, INTROSPECTION_MAX_DEPTH } from '../../src/server/armor';
import { startHttp, type HttpServer } from '../../src/server/http';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../src/server/http-guards';
import { createDriver, Db } from '../../src/shared/db';
import { QueryTimeoutError } from '../../src/shared/errors';
import { bearerFor } from '../helpers/auth';
import { createHarness, EDITOR, type Harness } from '../helpers/harness';

const BODY_LIMIT = 1024 * 1024;
const GRAPHQL = DEFAULT_GRAPHQL_LIMITS;

let h: Harness;
const servers: HttpServer[] = [];
let hostile: HttpServer;
/** An editor's bearer token: every request but the anonymous ones sends it. */
let editor: { authorization: string };
const resolved = { count: 0 };

/** Counts every field resolution (default resolvers included) on the server it is given to. */
const resolverCounter: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async executionDidStart() {
        return {
          willResolveField() {
            resolved.count += 1;
          },
        };
      },
    };
  },
};

async function serve(limits: Partial<HttpLimits>, services: Services = h.services): Promise<HttpServer> {
  const server = await startHttp(services, {
    host: '127.0.0.1',
    port: 0,
    limits: { ...DEFAULT_HTTP_LIMITS, ...limits },
    plugins: [resolverCounter],
  });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  editor = await bearerFor(h.services, EDITOR);
  hostile = await serve({ bodyLimitBytes: BODY_LIMIT, rateLimitPerMinute: 100_000 });
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await h.close();
});

interface Reply {
  status: number;
  json: any;
  headers: Headers;
}

/** POSTs `body` with the editor's token unless `headers` names another authorization (or null: none). */
async function post(
  server: HttpServer,
  body: unknown,
  headers: Record<string, string> = {},
  authorization: { authorization: string } | null = editor,
): Promise<Reply> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null), headers: response.headers };
}

interface Hostile {
  kind: string;
  body: unknown;
  /** What refuses it: an HTTP status alone (413), or the `extensions.limit` values accepted. */
  status: number;
  limits?: string[];
  code?: string;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const PER_KIND = 60;

function hostileDocuments(): Hostile[] {
  const docs: Hostile[] = [];
  const refused = (kind: string, body: unknown, limits: string[], code = 'GRAPHQL_VALIDATION_FAILED'): void => {
    docs.push({ kind, body, status: 400, limits, code });
  };

  // Deep nesting, half of it inline, half through a chain of fragments (each adds two levels).
  for (const i of range(PER_KIND)) {
    const levels = 6 + i;
    if (i % 2 === 0) {
      const query = `{ ci(id: "x") { ${'relationships { ci { '.repeat(levels)} id ${'} } '.repeat(levels)} } }`;
      refused('deep nesting', { query }, ['GRAPHQL_MAX_DEPTH']);
    } else {
      const fragments = range(levels).map((k) => `fragment F${k} on CI { relationships { ci { ...F${k + 1} } } }`);
      const query = `{ ci(id: "x") { ...F0 } } ${fragments.join(' ')} fragment F${levels} on CI { id }`;
      refused('deep nesting', { query }, ['GRAPHQL_MAX_DEPTH']);
    }
  }

  // Alias floods: the reported attack (500 aliased pages of 100) and floods just over the limit and beyond.
  const page = (k: number): string => `a${k}: cis(first: 100) { edges { node { name } } }`;
  refused(
    'alias flood',
    { query: `{ ${range(500).map(page).join(' ')} }` },
    ['GRAPHQL_MAX_TOKENS'],
    'GRAPHQL_PARSE_FAILED',
  );
  for (const i of range(PER_KIND - 1)) {
    const n = GRAPHQL.maxAliases + 1 + i * 4;
    const query =
      i % 2
        ? `{ ${range(n).map(page).join(' ')} }`
        : `{ ${range(n)
            .map((k) => `v${k}: serverInfo { version }`)
            .join(' ')} }`;
    refused('alias flood', { query }, ['GRAPHQL_MAX_ALIASES']);
  }

  // Fragment cycles of length 1 to 60, each fragment also selecting a field.
  for (const i of range(PER_KIND)) {
    const n = i + 1;
    const fragments = range(n).map((k) => `fragment C${k} on Query { serverInfo { version } ...C${(k + 1) % n} }`);
    docs.push({
      kind: 'fragment cycle',
      body: { query: `{ ...C0 } ${fragments.join(' ')}` },
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
  }

  // Directive floods.
  for (const i of range(PER_KIND)) {
    const n = GRAPHQL.maxDirectives + 1 + i * 4;
    const query =
      i % 2
        ? `{ ${'__typename @include(if: true) '.repeat(n)} }`
        : `{ serverInfo { ${'version @skip(if: false) '.repeat(n)} } }`;
    refused('directive flood', { query }, ['GRAPHQL_MAX_DIRECTIVES']);
  }

  // Huge lists: ID lists from just over the cap to 10,000, as variables and inside input objects.
  const LISTS = [
    'query ($ids: [ID!]!) { impactAnalysis(input: { ciIds: $ids }) { affectedCIs { ci { id } } } }',
    'query ($ids: [ID!]!) { rootCauseCandidates(input: { ciIds: $ids }) { ci { id } } }',
    'query ($ids: [ID!]!) { changeImpact(input: { ciIds: $ids, window: { start: "2030-01-01T00:00:00Z", end: "2030-01-02T00:00:00Z" } }) { conflicts { changeId } } }',
  ];
  for (const i of range(PER_KIND)) {
    const n = i === 0 ? 10_000 : GRAPHQL.maxListLength + 1 + i * 150;
    const ids = range(n).map((k) => `c${k}`);
    const query = LISTS[i % LISTS.length] as string;
    refused('huge list', { query, variables: { ids } }, ['GRAPHQL_MAX_LIST_LENGTH']);
  }

  // Introspection bombs: deep ofType chains (under __type and under __schema) and nested fields/type breadth.
  for (const i of range(PER_KIND)) {
    const k = INTROSPECTION_MAX_DEPTH + (i % 20);
    let query: string;
    if (i % 3 === 0) query = `{ __type(name: "CI") { ${'ofType { '.repeat(k)} name ${'} '.repeat(k)} } }`;
    else if (i % 3 === 1)
      query = `{ __schema { types { fields { type { ${'ofType { '.repeat(k)} name ${'} '.repeat(k)} } } } } }`;
    else {
      const n = 7 + (i % 20);
      query = `{ __schema { types { ${'fields { type { '.repeat(n)} name ${'} } '.repeat(n)} } } }`;
    }
    refused('introspection bomb', { query }, ['GRAPHQL_MAX_DEPTH', 'INTROSPECTION_MAX_DEPTH', 'GRAPHQL_MAX_COST']);
  }

  // Token floods.
  for (const i of range(PER_KIND)) {
    const n = GRAPHQL.maxTokens + 1 + i * 700;
    const query = i % 2 ? `{ ${'__typename '.repeat(n)}}` : `{ serverInfo { ${'version '.repeat(n)}} }`;
    refused('token flood', { query }, ['GRAPHQL_MAX_TOKENS'], 'GRAPHQL_PARSE_FAILED');
  }

  // Cost: fan-out under the depth limit, the page size as a variable or a literal.
  const FANOUT = (first: string): string =>
    `{ cis(first: ${first}) { edges { node { relationships { ci { relationships { ci { relationships { ci { name } } } } } } } } } }`;
  for (const i of range(PER_KIND)) {
    const n = 200 + i * 13;
    if (i % 2) refused('cost', { query: `query ($n: Int) ${FANOUT('$n')}`, variables: { n } }, ['GRAPHQL_MAX_COST']);
    else refused('cost', { query: FANOUT(String(n)) }, ['GRAPHQL_MAX_COST']);
  }

  // Oversized bodies.
  for (const i of range(PER_KIND)) {
    const pad = 'x'.repeat(BODY_LIMIT + 1 + i * 9973);
    docs.push({
      kind: 'oversized body',
      body: JSON.stringify({ query: '{ __typename }', variables: { pad } }),
      status: 413,
    });
  }
  return docs;
}

describe('hostile documents', () => {
  it('refuses at least 500 of them, each naming the limit, before any resolver runs or any statement is sent', async () => {
    const docs = hostileDocuments();
    expect(docs.length).toBeGreaterThanOrEqual(500);
    const resolversBefore = resolved.count;
    const statementsBefore = h.db.counter.count;
    const unexpected: string[] = [];
    const kinds = new Map<string, number>();
    for (let i = 0; i < docs.length; i += 8) {
      const batch = docs.slice(i, i + 8);
      const replies = await Promise.all(batch.map((d) => post(hostile, d.body)));
      replies.forEach((reply, j) => {
        const doc = batch[j] as Hostile;
        kinds.set(doc.kind, (kinds.get(doc.kind) ?? 0) + 1);
        const error = reply.json?.errors?.[0];
        const ok =
          reply.status === doc.status &&
          (doc.status === 413 ||
            (error?.extensions?.code === doc.code &&
              (!doc.limits || doc.limits.includes(error?.extensions?.limit)) &&
              !reply.json.data));
        if (!ok) unexpected.push(`${doc.kind} #${i + j}: ${reply.status} ${JSON.stringify(reply.json)?.slice(0, 300)}`);
      });
    }
    expect(unexpected).toEqual([]);
    expect([...kinds.keys()]).toHaveLength(9);
    expect(resolved.count - resolversBefore).toBe(0);
    expect(h.db.counter.count - statementsBefore).toBe(0);

    // The counter does count: an ordinary query resolves fields.
    const fine = await post(hostile, { query: '{ cis(first: 5) { totalCount edges { node { name } } } }' });
    expect(fine.json.errors).toBeUndefined();
    expect(resolved.count - resolversBefore).toBeGreaterThan(0);
  });

  it('names the limit and the numbers in the message', async () => {
    const deep = await post(hostile, {
      query: `{ ci(id: "x") { ${'relationships { ci { '.repeat(7)} id ${'} } '.repeat(7)} } }`,
    });
    expect(deep.json.errors[0]).toMatchObject({
      message: `Query depth limit of ${GRAPHQL.maxDepth} exceeded, found 16. (GRAPHQL_MAX_DEPTH)`,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'GRAPHQL_MAX_DEPTH', max: GRAPHQL.maxDepth },
    });
    const ids = range(10_000).map((k) => `c${k}`);
    const list = await post(hostile, {
      query: 'query ($ids: [ID!]!) { impactAnalysis(input: { ciIds: $ids }) { affectedCIs { ci { id } } } }',
      variables: { ids },
    });
    expect(list.status).toBe(400);
    expect(list.json.errors[0]).toMatchObject({
      message: `impactAnalysis(input).ciIds has 10000 items; at most ${GRAPHQL.maxListLength} are accepted (GRAPHQL_MAX_LIST_LENGTH)`,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'GRAPHQL_MAX_LIST_LENGTH', max: 1000, found: 10_000 },
    });
    const tokens = await post(hostile, { query: `{ ${'__typename '.repeat(GRAPHQL.maxTokens + 1)}}` });
    expect(tokens.json.errors[0].message).toMatch(new RegExp(`more tha[nt] ${GRAPHQL.maxTokens} tokens`));
    expect(tokens.json.errors[0].extensions).toEqual({
      code: 'GRAPHQL_PARSE_FAILED',
      limit: 'GRAPHQL_MAX_TOKENS',
      max: GRAPHQL.maxTokens,
    });
  });

  it('accepts the standard introspection query and ordinary pages', async () => {
    const introspection = await post(hostile, { query: getIntrospectionQuery() });
    expect(introspection.status).toBe(200);
    expect(introspection.json.data.__schema.queryType.name).toBe('Query');
    const page = await post(hostile, {
      query: `query ($first: Int) { cis(first: $first) { edges { node { id name relationships { type ci { id name } } } } } }`,
      variables: { first: 1000 },
    });
    expect(page.json.errors).toBeUndefined();
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-principal limit; other principals and /healthz are not held', async () => {
    const limited = await serve({ rateLimitPerMinute: 5 });
    const query = { query: '{ __typename }' };
    const ann = await bearerFor(h.services, { id: 'ann', roles: ['viewer'] });
    for (const _ of range(5)) expect((await post(limited, query, ann)).status).toBe(200);
    const over = await post(limited, query, ann);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(over.json.errors[0].message).toContain('RATE_LIMIT_PER_MINUTE');
    expect((await post(limited, query, await bearerFor(h.services, { id: 'bob', roles: ['viewer'] }))).status).toBe(
      200,
    );
    // Anonymous requests (answered 401) count per client IP.
    for (const _ of range(5)) expect((await post(limited, query, {}, null)).status).toBe(401);
    expect((await post(limited, query, {}, null)).status).toBe(429);
    for (const _ of range(10)) {
      expect((await fetch(`${limited.origin}/healthz`)).status).toBe(200);
      expect((await fetch(`${limited.origin}/readyz`)).status).toBe(200);
    }
  });
});

describe('CORS', () => {
  const preflight = (server: HttpServer, origin: string): Promise<Response> =>
    fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('allows a configured origin and refuses another', async () => {
    const server = await serve({ corsOrigins: ['https://portal.ioko.example'] });
    const allowed = await preflight(server, 'https://portal.ioko.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.ioko.example');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await preflight(server, 'https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await post(server, { query: '{ __typename }' }, { origin: 'https://evil.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the service’s own origin when none is configured, and never *', async () => {
    const own = await preflight(hostile, hostile.origin);
    expect(own.status).toBe(204);
    expect(own.headers.get('access-control-allow-origin')).toBe(hostile.origin);
    const other = await preflight(hostile, 'https://portal.ioko.example');
    expect(other.status).toBe(403);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example,*' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('body limit', () => {
  it('answers 413 for a body over the limit and serves one just under it', async () => {
    const padded = (bytes: number): string => {
      const shell = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
      return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes - shell.length) } });
    };
    expect((await post(hostile, padded(BODY_LIMIT + 1))).status).toBe(413);
    const under = await post(hostile, padded(BODY_LIMIT));
    expect(under.status).toBe(200);
    expect(under.json.data).toEqual({ __typename: 'Query' });
  });
});

describe('transaction timeout', () => {
  // A statement that runs for many seconds (a billion-row loop), ended by a 300 ms transaction timeout.
  const RUNAWAY = 'UNWIND range(1, 2000000000) AS x WITH x WHERE x = -1 RETURN count(x) AS n';
  let slow: Db;
  beforeAll(() => {
    const uri = process.env.NEO4J_URI as string;
    slow = new Db(
      createDriver({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' }),
      'neo4j',
      { defaultMs: 300, bulkMs: 4000 },
    );
  });
  afterAll(async () => slow.close());

  it('ends a runaway statement with QUERY_TIMEOUT, and answers it over GraphQL with the code', async () => {
    const started = Date.now();
    const error = await slow.read(RUNAWAY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ code: 'QUERY_TIMEOUT', details: { timeoutMs: 300 } });
    expect(Date.now() - started).toBeLessThan(3500);

    const services: Services = {
      ...h.services,
      system: { ...h.services.system, neo4jVersion: async () => String((await slow.read(RUNAWAY))[0]?.n) },
    };
    const server = await serve({}, services);
    const reply = await post(server, { query: '{ serverInfo { neo4jVersion } }' });
    expect(reply.json.errors[0]).toMatchObject({
      message: 'the database ended the statement: it ran past the 300 ms transaction timeout',
      extensions: { code: 'QUERY_TIMEOUT', timeoutMs: 300 },
    });
  });

  it('gives bulk transactions (imports, migrations) their own, longer timeout', async () => {
    const started = Date.now();
    const running = slow
      .readTx((tx) => tx.run(RUNAWAY), { bulk: true, operation: 'bulk runaway' })
      .catch((e: unknown) => e);
    // Past the statement timeout (and Neo4j's check of it) the bulk transaction is still running...
    await new Promise((r) => setTimeout(r, 3500));
    const shown = await h.cypher(
      "SHOW TRANSACTIONS YIELD metaData WHERE metaData.operation = 'bulk runaway' RETURN count(*) AS running",
    );
    expect(shown).toEqual([{ running: 1 }]);
    // ...and its own timeout ends it.
    expect(await running).toMatchObject({ code: 'QUERY_TIMEOUT', details: { timeoutMs: 4000 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
  });
});

describe('introspection and suggestions', () => {
  it('refuses introspection when GRAPHQL_INTROSPECTION is off, and hides suggestions when they are off', async () => {
    const apollo = createApollo([], { ...GRAPHQL, introspection: false, fieldSuggestions: false });
    await apollo.start();
    try {
      const run = async (query: string) => {
        const response = await apollo.executeOperation({ query }, { contextValue: contextFor(h.services, EDITOR) });
        if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
        return response.body.singleResult;
      };
      const introspection = await run('{ __schema { queryType { name } } }');
      expect(introspection.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
      const typo = await run('{ serverInfo { verison } }');
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "verison" on type "ServerInfo".');
    } finally {
      await apollo.stop();
    }
    const suggesting = await post(hostile, { query: '{ serverInfo { verison } }' });
    expect(suggesting.json.errors[0].message).toContain('Did you mean "version"?');
  });
});
