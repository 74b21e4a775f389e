/**
 * Round-trip budget per GraphQL operation: how many statements each main operation sends to Neo4j (the Db
 * executor's counter), asked once for a small input and once for a large one. The count must stay within the
 * budget and must not grow with the input — an N+1 regression (a statement per CI, per relationship, per candidate)
 * fails here. Time is never asserted.
 */
import { syntheticDataset } from '../../seed/synthetic';
import { ADMIN, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let ids: { leaf: string; hub: string; instances: string[]; business: string; server: string };
let baselineId: string;

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  const r = await h.services.imports.importCMDB(ADMIN, syntheticDataset(400, 3));
  expect(r.rejected).toEqual([]);
  const one = async (cypher: string): Promise<string> => (await h.cypher(cypher))[0]?.id as string;
  ids = {
    leaf: await one('MATCH (c:BusinessService) RETURN c.id AS id ORDER BY c.name LIMIT 1'),
    hub: await one(
      "MATCH (n:NetworkDevice {a_deviceType: 'switch'})<-[r]-() WITH n, count(r) AS d ORDER BY d DESC RETURN n.id AS id LIMIT 1",
    ),
    instances: (await h.cypher('MATCH (c:ApplicationInstance) RETURN c.id AS id ORDER BY c.name LIMIT 5')).map(
      (x) => x.id as string,
    ),
    business: await one('MATCH (c:BusinessService) RETURN c.id AS id ORDER BY c.name LIMIT 1'),
    server: await one('MATCH (c:Server) RETURN c.id AS id ORDER BY c.name LIMIT 1'),
  };
  const base = await h.ok(
    `mutation { createBaseline(input: { name: "budget", scope: { all: true } }) { id } }`,
    {},
    ADMIN,
  );
  baselineId = base.createBaseline.id;
  // Changes after the baseline, so the diff has CIs to load.
  for (const row of await h.cypher('MATCH (c:Server) RETURN c.id AS id, c.revision AS rev ORDER BY c.name LIMIT 10')) {
    await h.services.cmdb.updateCI(ADMIN, { id: row.id, expectedRevision: row.rev, version: 'budget-2' });
  }
});
afterAll(async () => h.close());

/** Statements sent while running one operation (after one warm-up run, so cached registries do not count). */
async function trips(query: string, variables: Record<string, unknown>): Promise<{ trips: number; data: any }> {
  await h.ok(query, variables);
  const before = h.db.counter.count;
  const data = await h.ok(query, variables);
  const n = h.db.counter.count - before;
  // SERVICEGRAPH_PRINT_TRIPS=1 shows the counts (to set a budget after a deliberate change).
  if (process.env.SERVICEGRAPH_PRINT_TRIPS)
    process.stdout.write(
      `round trips ${n}: ${query.slice(0, 40).replace(/\s+/g, ' ')} ${JSON.stringify(variables).slice(0, 60)}\n`,
    );
  return { trips: n, data };
}

const CI = `query ($id: ID!) { ci(id: $id) { id name location { name } ownerGroup { name } supportGroups { name }
  relationships { type direction ci { id name class status location { name } } from { ... on CI { name } } to { ... on CI { name } } } } }`;
const PAGE = `query ($first: Int) { cis(first: $first) { totalCount edges { node { id name location { name } supportGroups { name }
  relationships { type direction ci { id name class status } } } } } }`;
const IMPACT = `query ($input: ImpactInput!) { impactAnalysis(input: $input) { truncated
  affectedCIs { ci { id name class location { name } } state depth via path { id name } }
  affectedServices { service { id name } state path { name } }
  affectedCustomers { customer { id name } services { service { name } } } } }`;
const DEPS = `query ($id: ID!) { dependencies(ciId: $id, maxDepth: 10) { ci { id name class location { name } } depth
  relationship { type from { ... on CI { name } } to { ... on CI { name } } } } }`;
const ROOT = `query ($ids: [ID!]!) { rootCauseCandidates(input: { ciIds: $ids, limit: 20 }) { ci { id name class } score inCover
  explains { id name } evidence paths { symptom { name } path { name } } recentChanges { at actor } } }`;
const HISTORY = `query ($id: ID!) { ciHistory(id: $id) { revision validFrom actor operation } }`;
const DIFF = `query ($id: ID!) { baselineDiff(from: { baselineId: $id }, to: {}) {
  counts { addedCIs removedCIs changedCIs addedRelationships removedRelationships }
  changedCIs { ci { id name } changes { field before after } } addedRelationships { type } removedRelationships { type } } }`;

/**
 * Budgets: statements per operation, whatever the size of the answer. Each is the count the operation sends; raise one
 * only for a deliberate change. impactAnalysis reads the subscriptions of the closure's services with the closure;
 * rootCauseCandidates reads the symptoms' paths (which also answer the CIs) and the open incidents and known errors on
 * the candidates.
 */
const BUDGET = {
  ci: 3,
  cis: 3,
  impactAnalysis: 3,
  dependencies: 3,
  rootCauseCandidates: 4,
  ciHistory: 1,
  baselineDiff: 6,
};

describe('round-trip budget per operation (no N+1)', () => {
  it('ci: one CI with its relationships, related CIs and their locations', async () => {
    const small = await trips(CI, { id: ids.leaf });
    const large = await trips(CI, { id: ids.hub });
    expect(large.data.ci.relationships.length).toBeGreaterThan(small.data.ci.relationships.length);
    expect(small.trips).toBeLessThanOrEqual(BUDGET.ci);
    expect(large.trips).toBe(small.trips);
  });

  it('cis: a page with nested relationships and related CIs costs the same for 5 CIs as for 300', async () => {
    const small = await trips(PAGE, { first: 5 });
    const large = await trips(PAGE, { first: 300 });
    expect(large.data.cis.edges).toHaveLength(300);
    expect(large.trips).toBeLessThanOrEqual(BUDGET.cis);
    expect(large.trips).toBe(small.trips);
  });

  it('impactAnalysis: from a leaf and from a hub', async () => {
    const small = await trips(IMPACT, { input: { ciIds: [ids.leaf], maxDepth: 6 } });
    const large = await trips(IMPACT, { input: { ciIds: [ids.hub], maxDepth: 6 } });
    expect(large.data.impactAnalysis.affectedCIs.length).toBeGreaterThan(50);
    expect(small.trips).toBeLessThanOrEqual(BUDGET.impactAnalysis);
    expect(large.trips).toBe(small.trips);
  });

  it('dependencies: of a server and of a business service', async () => {
    const small = await trips(DEPS, { id: ids.server });
    const large = await trips(DEPS, { id: ids.business });
    expect(large.data.dependencies.length).toBeGreaterThan(small.data.dependencies.length);
    expect(large.data.dependencies.length).toBeGreaterThan(20);
    expect(small.trips).toBeLessThanOrEqual(BUDGET.dependencies);
    expect(large.trips).toBe(small.trips);
  });

  it('rootCauseCandidates: 1 symptom and 5 symptoms', async () => {
    const small = await trips(ROOT, { ids: ids.instances.slice(0, 1) });
    const large = await trips(ROOT, { ids: ids.instances });
    expect(large.data.rootCauseCandidates.length).toBeGreaterThan(5);
    expect(small.trips).toBeLessThanOrEqual(BUDGET.rootCauseCandidates);
    expect(large.trips).toBe(small.trips);
  });

  it('ciHistory: a CI with one revision and one with two', async () => {
    const [changed] = await h.cypher("MATCH (c:Server {version: 'budget-2'}) RETURN c.id AS id LIMIT 1");
    const small = await trips(HISTORY, { id: ids.business });
    const large = await trips(HISTORY, { id: changed?.id });
    expect(large.data.ciHistory.length).toBeGreaterThan(small.data.ciHistory.length);
    expect(small.trips).toBeLessThanOrEqual(BUDGET.ciHistory);
    expect(large.trips).toBe(small.trips);
  });

  it('baselineDiff: the whole CMDB from a baseline to now, 10 CIs changed', async () => {
    const { trips: n, data } = await trips(DIFF, { id: baselineId });
    expect(data.baselineDiff.counts.changedCIs).toBe(10);
    expect(n).toBeLessThanOrEqual(BUDGET.baselineDiff);
  });
});
