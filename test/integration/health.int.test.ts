import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
const ids: Record<string, string> = {};

async function create(cls: string, name: string, attributes: Record<string, unknown> = {}): Promise<void> {
  ids[name] = (
    await h.ok(`mutation ($i: CreateCIInput!) { createCI(input: $i) { id } }`, {
      i: { class: cls, name, status: 'LIVE', attributes },
    })
  ).createCI.id;
}

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  await create('Server', 'lon-web01');
  await create('VirtualMachine', 'LON-WEB01.csm.local');
  await create('Application', 'app');
  await create('Service', 'svc');
  await create('Cluster', 'farm', { minimumMembers: 1 });
  await create('Application', 'orphan');
  const relations: Array<[string, string, string]> = [
    ['RUNS_ON', 'app', 'LON-WEB01.csm.local'],
    ['DEPENDS_ON', 'svc', 'app'],
    ['MEMBER_OF', 'lon-web01', 'farm'],
  ];
  for (const [type, from, to] of relations) {
    await h.ok(`mutation ($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, {
      i: { type, fromId: ids[from], toId: ids[to] },
    });
  }
  // Data loaded behind the API, as a legacy migration might have: a forbidden relationship, a cluster without
  // its required minimum, and a CI nobody touched for 200 days.
  await h.cypher(
    `MATCH (a:CI {name: 'orphan'}), (b:CI {name: 'svc'}) CREATE (a)-[:STORED_ON {createdAt: datetime() - duration('PT1S')}]->(b)`,
  );
  await h.cypher(`MATCH (v:CI {name: 'farm'}) REMOVE v.a_minimumMembers`);
  await h.cypher(`MATCH (v:CI {name: 'app'}) SET v.updatedAt = datetime() - duration('P200D')`);
});
afterAll(async () => h.close());

const HEALTH = `query ($baselineId: ID) {
  cmdbHealth(staleDays: 90, baselineId: $baselineId) {
    ciCount relationshipCount
    missingRequired { count cis { ci { name } detail } }
    isolated { count cis { ci { name } } }
    stale { count cis { ci { name } } }
    duplicates { key cis { name class } }
    forbiddenRelationships { type from { name } to { name } reason } forbiddenRelationshipCount
    drift { changedCIs addedCIs }
  }
}`;

describe('cmdbHealth', () => {
  it('reports missing required attributes, isolated, stale and duplicate CIs, and forbidden relationships', async () => {
    const health = (await h.ok(HEALTH)).cmdbHealth;
    expect(health).toMatchObject({ ciCount: 6, relationshipCount: 4, drift: null });
    expect(health.missingRequired).toEqual({
      count: 1,
      cis: [{ ci: { name: 'farm' }, detail: 'missing minimumMembers' }],
    });
    // orphan relates only through the forbidden STORED_ON, which still counts as a relationship: nothing is isolated.
    expect(health.isolated.count).toBe(0);
    expect(health.stale).toEqual({ count: 1, cis: [{ ci: { name: 'app' } }] });
    expect(health.duplicates).toEqual([
      {
        key: 'lonweb01',
        cis: [
          { name: 'lon-web01', class: 'Server' },
          { name: 'LON-WEB01.csm.local', class: 'VirtualMachine' },
        ],
      },
    ]);
    expect(health.forbiddenRelationshipCount).toBe(1);
    expect(health.forbiddenRelationships[0]).toMatchObject({
      type: 'STORED_ON',
      from: { name: 'orphan' },
      to: { name: 'svc' },
      reason: expect.stringMatching(/STORED_ON cannot start at a Application/),
    });
  });

  it('finds a CI with no relationship, and reports drift from a baseline', async () => {
    const base = (await h.ok(`mutation { createBaseline(input: {name: "h", scope: {all: true}}) { id } }`))
      .createBaseline;
    await create('Database', 'lonely');
    const health = (await h.ok(HEALTH, { baselineId: base.id })).cmdbHealth;
    expect(health.isolated).toEqual({ count: 1, cis: [{ ci: { name: 'lonely' } }] });
    expect(health.drift).toEqual({ changedCIs: 0, addedCIs: 1 });
  });
});
