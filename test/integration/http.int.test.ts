import { startHttp, type HttpServer } from '../../src/server/http';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let http: HttpServer;

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  http = await startHttp(h.services, { host: '127.0.0.1', port: 0, defaultRoles: ['editor'] });
});
afterAll(async () => {
  await http.stop();
  await h.close();
});

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(http.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

const CREATE = 'mutation ($i: CreateCIInput!) { createCI(input: $i) { name status } }';

describe('GraphQL over HTTP', () => {
  it('serves queries and names the Neo4j version', async () => {
    const { status, json } = await post({ query: '{ serverInfo { version neo4jVersion } }' });
    expect(status).toBe(200);
    expect(json.data.serverInfo.neo4jVersion).toMatch(/^5\.26\./);
  });

  it('takes the actor from X-Actor: the audit entry names them', async () => {
    const { json } = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'lon-web01' } } },
      { 'x-actor': 'joe@ioko.example' },
    );
    expect(json.data.createCI).toEqual({ name: 'lon-web01', status: 'PLANNED' });
    expect(await h.cypher("MATCH (a:AuditEntry {operation: 'createCI'}) RETURN a.actor AS actor")).toEqual([
      { actor: 'joe@ioko.example' },
    ]);
  });

  it('answers a write without X-Actor with UNAUTHENTICATED, and X-Actor-Roles: viewer with FORBIDDEN', async () => {
    const anonymous = await post({ query: CREATE, variables: { i: { class: 'Server', name: 'x' } } });
    expect(anonymous.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const viewer = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'x' } } },
      { 'x-actor': 'v', 'x-actor-roles': 'viewer' },
    );
    expect(viewer.json.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('returns coded errors without stack traces or driver messages', async () => {
    const { json } = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'y', attributes: { cpuCores: 'many' } } } },
      { 'x-actor': 'a' },
    );
    expect(json.errors[0].extensions).toEqual(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.attributes.cpuCores' }),
    );
    expect(JSON.stringify(json)).not.toMatch(/stacktrace|Neo4jError|at .*\.ts:/);
    const invalid = await post({ query: '{ ci(id: "x") { nope } }' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(invalid.json)).not.toMatch(/stacktrace/);
  });

  it('refuses malformed JSON with 400', async () => {
    const { status } = await post('{"query": ');
    expect(status).toBe(400);
  });

  it('refuses a GET mutation-like request without a preflight header (CSRF prevention)', async () => {
    const response = await fetch(`${http.url}?query=${encodeURIComponent('{ serverInfo { version } }')}`);
    expect(response.status).toBe(400);
  });
});

describe('HTTP host', () => {
  it('redirects GET and POST / to /graphql with 308 (a POST keeps its method and body)', async () => {
    const response = await fetch(`${http.origin}/`, { redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/graphql');
    const posted = await fetch(`${http.origin}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { version } }' }),
    });
    expect(posted.status).toBe(308);
    expect(posted.headers.get('location')).toBe('/graphql');
    expect(http.url).toBe(`${http.origin}/graphql`);
  });

  it('answers /healthz with 200 {status: "ok"} and /readyz with 200 while the database answers', async () => {
    const health = await fetch(`${http.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${http.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
