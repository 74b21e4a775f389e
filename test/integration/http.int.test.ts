import { startHttp, type HttpServer } from '../../src/server/http';
import { bearerFor } from '../helpers/auth';
import { createHarness, EDITOR, type Harness } from '../helpers/harness';

let h: Harness;
let http: HttpServer;
/** An editor's bearer token, signed by the local key. */
let editor: { authorization: string };

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  http = await startHttp(h.services, { host: '127.0.0.1', port: 0 });
  editor = await bearerFor(h.services, EDITOR);
});
afterAll(async () => {
  await http.stop();
  await h.close();
});

async function post(body: unknown, headers: Record<string, string> = editor): Promise<{ status: number; json: any }> {
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

  it("takes the actor from the bearer token's subject: the audit entry names them", async () => {
    const { json } = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'lon-web01' } } },
      await bearerFor(h.services, { id: 'joe@ioko.example', roles: ['editor'] }),
    );
    expect(json.data.createCI).toEqual({ name: 'lon-web01', status: 'PLANNED' });
    expect(await h.cypher("MATCH (a:AuditEntry {operation: 'createCI'}) RETURN a.actor AS actor")).toEqual([
      { actor: 'joe@ioko.example' },
    ]);
  });

  it("answers a request without a token 401 UNAUTHENTICATED whatever X-Actor says, and a viewer's write FORBIDDEN", async () => {
    const anonymous = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'x' } } },
      { 'x-actor': 'admin', 'x-actor-roles': 'admin' },
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'missing_token' });
    const viewer = await post(
      { query: CREATE, variables: { i: { class: 'Server', name: 'x' } } },
      await bearerFor(h.services, { id: 'v', roles: ['viewer'] }),
    );
    expect(viewer.json.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('returns coded errors without stack traces or driver messages', async () => {
    const { json } = await post({
      query: CREATE,
      variables: { i: { class: 'Server', name: 'y', attributes: { cpuCores: 'many' } } },
    });
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
    const response = await fetch(`${http.url}?query=${encodeURIComponent('{ serverInfo { version } }')}`, {
      headers: editor,
    });
    expect(response.status).toBe(400);
  });
});

describe('HTTP host', () => {
  it('redirects GET and POST / to /graphql with 308 (a POST keeps its method and body)', async () => {
    const response = await fetch(`${http.origin}/`, { redirect: 'manual', headers: editor });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/graphql');
    const posted = await fetch(`${http.origin}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...editor },
      body: JSON.stringify({ query: '{ serverInfo { version } }' }),
    });
    expect(posted.status).toBe(308);
    expect(posted.headers.get('location')).toBe('/graphql');
    expect(http.url).toBe(`${http.origin}/graphql`);
  });

  it('answers /healthz with 200 {status: "ok"} and /readyz with 200 while the database answers, without a token', async () => {
    const health = await fetch(`${http.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${http.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
