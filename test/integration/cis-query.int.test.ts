import type { ImportData } from '../../src/modules/cmdb';
import { ADMIN, codeOf, createHarness, type Harness } from '../helpers/harness';

let h: Harness;

/** 600 servers, each RUNS an app instance and is CONNECTED_TO one of 3 switches; located in one DC. */
function fleet(): ImportData {
  const items: ImportData['items'] = [
    { class: 'Location', name: 'London DC1', attributes: { locationType: 'datacenter' } },
    { class: 'Group', name: 'Network Operations' },
  ];
  const relations: NonNullable<ImportData['relations']> = [];
  for (let s = 0; s < 3; s++)
    items.push({ class: 'NetworkDevice', name: `core-sw${s}`, attributes: { deviceType: 'switch' } });
  for (let i = 0; i < 600; i++) {
    const name = `srv-${String(i).padStart(4, '0')}`;
    items.push({
      class: 'Server',
      name,
      status: i % 10 === 0 ? 'MAINTENANCE' : 'LIVE',
      attributes: { hostname: name, os: i % 2 ? 'Linux' : 'Windows Server 2019', cpuCores: 4 + (i % 3) },
    });
    items.push({ class: 'ApplicationInstance', name: `app-${i}`, attributes: { environment: 'production' } });
    relations.push({
      type: 'RUNS_ON',
      from: { class: 'ApplicationInstance', identifiers: { name: `app-${i}` } },
      to: { class: 'Server', identifiers: { name } },
    });
    relations.push({
      type: 'CONNECTED_TO',
      from: { class: 'Server', identifiers: { name } },
      to: { class: 'NetworkDevice', identifiers: { name: `core-sw${i % 3}` } },
    });
    relations.push({
      type: 'LOCATED_IN',
      from: { class: 'Server', identifiers: { name } },
      to: { class: 'Location', identifiers: { name: 'London DC1' } },
    });
    relations.push({
      type: 'SUPPORTED_BY',
      from: { class: 'Server', identifiers: { name } },
      to: { class: 'Group', identifiers: { name: 'Network Operations' } },
    });
  }
  return { source: 'discovery', items, relations };
}

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  const result = await h.services.imports.importCMDB(ADMIN, fleet());
  expect(result.rejected).toEqual([]);
});
afterAll(async () => h.close());

const PAGE = `query ($first: Int, $after: String, $filter: CIFilter) {
  cis(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id name class status } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

describe('cis', () => {
  it('pages through every CI in name order without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const data: any = await h.ok(PAGE, { first: 250, after, filter: { classes: ['Server'] } });
      seen.push(...data.cis.edges.map((e: any) => e.node.name));
      after = data.cis.pageInfo.hasNextPage ? data.cis.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);
    expect(seen).toEqual([...seen].sort());
  });

  it('filters by class, status, name, attribute equality and relation, and counts', async () => {
    const q = `query ($filter: CIFilter) { cis(first: 1000, filter: $filter) { totalCount edges { node { name } } } }`;
    const count = async (filter: Record<string, unknown>): Promise<number> =>
      (await h.ok(q, { filter })).cis.totalCount;
    expect(await count({ classes: ['Server'] })).toBe(600);
    expect(await count({ classes: ['Server', 'NetworkDevice'] })).toBe(603);
    expect(await count({ classes: ['Server'], statuses: ['MAINTENANCE'] })).toBe(60);
    expect(await count({ nameContains: 'SRV-000' })).toBe(10);
    expect(await count({ classes: ['Server'], attributes: { os: 'Linux', cpuCores: 4 } })).toBe(100);
    const sw = await h.ok(PAGE, { first: 1, filter: { nameContains: 'core-sw1' } });
    const swId = sw.cis.edges[0].node.id;
    expect(await count({ relatedTo: { ciId: swId } })).toBe(200);
    expect(await count({ relatedTo: { ciId: swId, types: ['CONNECTED_TO'], direction: 'OUTGOING' } })).toBe(200);
    expect(await count({ relatedTo: { ciId: swId, types: ['CONNECTED_TO'], direction: 'INCOMING' } })).toBe(0);
    const one = await h.ok(q, { filter: { nameContains: 'srv-0007' } });
    expect(one.cis.edges).toEqual([{ node: { name: 'srv-0007' } }]);
  });

  it('refuses a page larger than 1000 and a forged cursor', async () => {
    const big = await h.gql(PAGE, { first: 5000 });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await h.gql(PAGE, { first: 5, after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('round trips', () => {
  const NESTED = `query ($first: Int) {
    cis(first: $first, filter: { classes: ["Server"] }) {
      edges { node {
        id name attributes identifiers
        location { name }
        supportGroups { name }
        relationships { type direction attributes ci { id name class status } from { ... on CI { name } } to { ... on CI { name } } }
      } }
    }
  }`;

  async function roundTrips(query: string, variables: Record<string, unknown>): Promise<{ trips: number; data: any }> {
    const before = h.db.counter.count;
    const data = await h.ok(query, variables);
    return { trips: h.db.counter.count - before, data };
  }

  it('serves a page of 500 CIs with their relationships and related CIs in 2 round trips', async () => {
    const { trips, data } = await roundTrips(NESTED, { first: 500 });
    expect(data.cis.edges).toHaveLength(500);
    const first = data.cis.edges[0].node;
    expect(first.location).toEqual({ name: 'London DC1' });
    expect(first.supportGroups).toEqual([{ name: 'Network Operations' }]);
    expect(first.relationships.map((r: any) => r.type).sort()).toEqual([
      'CONNECTED_TO',
      'LOCATED_IN',
      'RUNS_ON',
      'SUPPORTED_BY',
    ]);
    // The page, then one batch for every relationship and related record.
    expect(trips).toBe(2);
  });

  it('costs the same number of round trips for 5 CIs as for 500 (no N+1)', async () => {
    expect((await roundTrips(NESTED, { first: 5 })).trips).toBe(2);
  });

  it('adds one round trip per further level of nesting, not per CI', async () => {
    const twoLevels = NESTED.replace(
      'ci { id name class status }',
      'ci { id name relationships { type ci { name } } }',
    );
    const { trips, data } = await roundTrips(twoLevels, { first: 500 });
    expect(
      data.cis.edges[0].node.relationships.find((r: any) => r.type === 'CONNECTED_TO').ci.relationships.length,
    ).toBe(200);
    expect(trips).toBe(3);
  });

  it('answers relationship summaries (the other end asked only for id, class, name, status) the same as full records', async () => {
    const LIGHT = `query ($first: Int) { cis(first: $first, filter: { classes: ["Server"] }) { edges { node { id relationships { type direction ci { id name class status } } } } } }`;
    const FULL = LIGHT.replace('ci { id name class status }', 'ci { id name class status attributes }');
    const light = await roundTrips(LIGHT, { first: 50 });
    const full = await roundTrips(FULL, { first: 50 });
    expect(light.trips).toBe(2);
    expect(full.trips).toBe(2);
    const strip = (d: any) =>
      d.cis.edges.map((e: any) =>
        e.node.relationships.map((r: any) => ({
          ...r,
          ci: r.ci && { id: r.ci.id, name: r.ci.name, class: r.ci.class, status: r.ci.status },
        })),
      );
    expect(strip(light.data)).toEqual(strip(full.data));
    expect(light.data.cis.edges.flatMap((e: any) => e.node.relationships).length).toBeGreaterThan(50);
  });

  it('answers type and direction alone, and relationship properties, the same on every path (bare, summaries, full)', async () => {
    const BARE = `query ($first: Int) { cis(first: $first, filter: { classes: ["Server"] }) { edges { node { id relationships { type direction ci { id name } } } } } }`;
    const PROPS = BARE.replace('type direction ci { id name }', 'type direction attributes createdAt ci { id name }');
    const FULL = BARE.replace(
      'type direction ci { id name }',
      'type direction attributes createdAt ci { id name attributes }',
    );
    const [bare, props, full] = [
      await roundTrips(BARE, { first: 50 }),
      await roundTrips(PROPS, { first: 50 }),
      await roundTrips(FULL, { first: 50 }),
    ];
    for (const run of [bare, props, full]) expect(run.trips).toBe(2);
    const rels = (d: any): any[] =>
      d.cis.edges.flatMap((e: any) =>
        e.node.relationships.map((r: any) => ({ ...r, ci: r.ci && { id: r.ci.id, name: r.ci.name } })),
      );
    expect(rels(props.data)).toEqual(rels(full.data));
    expect(rels(bare.data)).toEqual(rels(full.data).map(({ attributes: _a, createdAt: _c, ...r }) => r));
    expect(rels(props.data).every((r) => /^\d{4}-\d\d-\d\dT/.test(r.createdAt))).toBe(true);
  });

  it("answers location, owner, support groups, subscribers and a group's CIs from summaries the same as from full records", async () => {
    const CI_LIGHT = `query ($first: Int) { cis(first: $first, filter: { classes: ["Server"] }) { edges { node { id location { id name } ownerGroup { name } supportGroups { id name } subscribers { name } } } } }`;
    const CI_FULL = CI_LIGHT.replace('location { id name }', 'location { id name createdAt }').replace(
      'supportGroups { id name }',
      'supportGroups { id name createdAt }',
    );
    const [light, full] = [await roundTrips(CI_LIGHT, { first: 50 }), await roundTrips(CI_FULL, { first: 50 })];
    const strip = (d: any) => JSON.parse(JSON.stringify(d, (k, v) => (k === 'createdAt' ? undefined : v)));
    expect(strip(light.data)).toEqual(strip(full.data));
    expect(light.data.cis.edges.filter((e: any) => e.node.location && e.node.supportGroups.length)).not.toHaveLength(0);
    expect(light.trips).toBe(2);
    expect(full.trips).toBe(2);
    // A group's CIs: summaries unless more of them is asked; the same CIs either way.
    const GROUPS = `{ groups { name supports { id name class status } } }`;
    const groupsLight = await roundTrips(GROUPS, {});
    const groupsFull = await roundTrips(GROUPS.replace('status }', 'status attributes }'), {});
    expect(strip(groupsLight.data)).toEqual(
      JSON.parse(JSON.stringify(groupsFull.data, (k, v) => (k === 'attributes' ? undefined : v))),
    );
    expect(groupsLight.data.groups.flatMap((g: any) => g.supports).length).toBeGreaterThan(10);
    expect(groupsLight.trips).toBe(groupsFull.trips);
  });

  it('reads one level of relationships for a CI whose fields need different levels (no second statement)', async () => {
    const MIXED = `query ($first: Int) { cis(first: $first, filter: { classes: ["Server"] }) { edges { node { id location { name } relationships { type attributes ci { name } } } } } }`;
    const WITH_FULL = MIXED.replace('location { name }', 'location { name createdAt }');
    expect((await roundTrips(MIXED, { first: 50 })).trips).toBe(2);
    expect((await roundTrips(WITH_FULL, { first: 50 })).trips).toBe(2);
  });

  it('refuses queries nested beyond the depth limit', async () => {
    let deep = 'name';
    for (let i = 0; i < 8; i++) deep = `relationships { ci { ${deep} } }`;
    const result = await h.gql(`{ cis(first: 1) { edges { node { ${deep} } } } }`);
    expect(codeOf(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
