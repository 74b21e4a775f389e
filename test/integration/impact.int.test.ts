import type { ImportData } from '../../src/modules/cmdb';
import { loadDemo } from '../../seed/demo';
import { ADMIN, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let ids: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

type Rel = [from: string, type: string, to: string];

/** Builds a small graph from "Class:name" items and [from, TYPE, to] relations (names are unique in these tests). */
async function graph(items: Array<[string, string, Record<string, unknown>?]>, relations: Rel[]): Promise<void> {
  await h.reset();
  const classOf = new Map(items.map(([cls, name]) => [name, cls]));
  const data: ImportData = {
    source: 'test',
    items: items.map(([cls, name, attributes]) => ({
      class: cls,
      name,
      ...(attributes ? { attributes: attributes as never } : {}),
    })),
    relations: relations.map(([from, type, to]) => ({
      type,
      from: { class: classOf.get(from) as string, identifiers: { name: from } },
      to: { class: classOf.get(to) as string, identifiers: { name: to } },
    })),
  };
  const result = await h.services.imports.importCMDB(ADMIN, data);
  expect(result.rejected).toEqual([]);
  const rows = await h.cypher('MATCH (n:Entity) RETURN n.name AS name, n.id AS id');
  ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

const IMPACT = `query ($input: ImpactInput!) {
  impactAnalysis(input: $input) {
    truncated
    affectedCIs { ci { name } state depth via path { name } }
    affectedServices { service { name } state path { name } }
    affectedCustomers { customer { name } services { service { name } state } }
  }
}`;

async function impact(names: string[], extra: Record<string, unknown> = {}): Promise<any> {
  const data = await h.ok(IMPACT, { input: { ciIds: names.map((n) => ids[n]), ...extra } });
  return data.impactAnalysis;
}

/** name → state, for compact expectations. */
function states(result: any): Record<string, string> {
  return Object.fromEntries(result.affectedCIs.map((a: any) => [a.ci.name, a.state]));
}

describe('impactAnalysis: clusters', () => {
  // web1..web3 are MEMBER_OF web-farm (minimumMembers 2); the Website service DEPENDS_ON the farm; a customer subscribes.
  beforeAll(async () => {
    await graph(
      [
        ['Server', 'web1'],
        ['Server', 'web2'],
        ['Server', 'web3'],
        ['Server', 'web-stage', { environment: 'stage' }],
        ['Cluster', 'web-farm', { minimumMembers: 2 }],
        ['Service', 'Website'],
        ['Organization', 'Channel Sport Media', { orgType: 'customer' }],
      ],
      [
        ['web1', 'MEMBER_OF', 'web-farm'],
        ['web2', 'MEMBER_OF', 'web-farm'],
        ['web3', 'MEMBER_OF', 'web-farm'],
        ['web-stage', 'MEMBER_OF', 'web-farm'],
        ['Website', 'DEPENDS_ON', 'web-farm'],
        ['Channel Sport Media', 'SUBSCRIBES_TO', 'Website'],
      ],
    );
  });

  it('one member down leaves 2 up = the minimum: the farm and the website are DEGRADED, with paths', async () => {
    const r = await impact(['web1']);
    expect(states(r)).toEqual({ web1: 'DOWN', 'web-farm': 'DEGRADED', Website: 'DEGRADED' });
    expect(r.affectedServices).toEqual([
      {
        service: { name: 'Website' },
        state: 'DEGRADED',
        path: [{ name: 'web1' }, { name: 'web-farm' }, { name: 'Website' }],
      },
    ]);
    expect(r.affectedCIs.find((a: any) => a.ci.name === 'Website')).toMatchObject({ depth: 2, via: 'DEPENDS_ON' });
    expect(r.affectedCustomers).toEqual([
      { customer: { name: 'Channel Sport Media' }, services: [{ service: { name: 'Website' }, state: 'DEGRADED' }] },
    ]);
    expect(r.truncated).toBe(false);
  });

  it('two members down leave 1 up, below the minimum: the farm and the website are DOWN', async () => {
    expect(states(await impact(['web1', 'web2']))).toEqual({
      web1: 'DOWN',
      web2: 'DOWN',
      'web-farm': 'DOWN',
      Website: 'DOWN',
    });
  });

  it('a member only DEGRADED degrades the farm but does not take it down', async () => {
    expect(states(await impact(['web1', 'web2'], { scenario: 'DEGRADED' }))).toEqual({
      web1: 'DEGRADED',
      web2: 'DEGRADED',
      'web-farm': 'DEGRADED',
      Website: 'DEGRADED',
    });
  });

  it('a stage member neither keeps the farm up nor hurts it when it fails', async () => {
    expect(states(await impact(['web-stage']))).toEqual({ 'web-stage': 'DOWN' });
    // web3 is the only production member left (web-stage is up but does not count): below the minimum of 2.
    expect(states(await impact(['web1', 'web2']))['web-farm']).toBe('DOWN');
  });

  it('the cluster itself down takes the website down', async () => {
    expect(states(await impact(['web-farm']))).toEqual({ 'web-farm': 'DOWN', Website: 'DOWN' });
  });
});

describe('impactAnalysis: propagation rules', () => {
  beforeAll(async () => {
    // db STORED_ON lun; app RUNS_ON vm HOSTED_ON esx; app DEPENDS_ON db; svc DEPENDS_ON app; lun BACKED_UP_BY backup;
    // a cycle a → b → c → a of DEPENDS_ON; a chain s1..s6 each DEPENDS_ON the one before; a retired vm in between.
    await graph(
      [
        ['StorageVolume', 'lun'],
        ['Database', 'db'],
        ['VirtualMachine', 'vm'],
        ['Server', 'esx'],
        ['Application', 'app'],
        ['Service', 'svc'],
        ['Server', 'backup'],
        ['Application', 'a'],
        ['Application', 'b'],
        ['Application', 'c'],
        ...[0, 1, 2, 3, 4, 5, 6].map((i) => ['Application', `s${i}`] as [string, string]),
        ['Server', 'host2'],
        ['VirtualMachine', 'old-vm'],
        ['Application', 'legacy'],
        ['Service', 'legacy-svc'],
        ['Service', 'host-svc'],
        ['Organization', 'Legacy Customer', { orgType: 'customer' }],
      ],
      [
        ['db', 'STORED_ON', 'lun'],
        ['app', 'RUNS_ON', 'vm'],
        ['vm', 'HOSTED_ON', 'esx'],
        ['app', 'DEPENDS_ON', 'db'],
        ['svc', 'DEPENDS_ON', 'app'],
        ['lun', 'BACKED_UP_BY', 'backup'],
        ['a', 'DEPENDS_ON', 'b'],
        ['b', 'DEPENDS_ON', 'c'],
        ['c', 'DEPENDS_ON', 'a'],
        ...[1, 2, 3, 4, 5, 6].map((i) => [`s${i}`, 'DEPENDS_ON', `s${i - 1}`] as Rel),
        ['old-vm', 'HOSTED_ON', 'host2'],
        ['legacy', 'RUNS_ON', 'old-vm'],
        ['legacy-svc', 'DEPENDS_ON', 'legacy'],
        ['host-svc', 'DEPENDS_ON', 'host2'],
        ['Legacy Customer', 'SUBSCRIBES_TO', 'legacy-svc'],
        ['Legacy Customer', 'SUBSCRIBES_TO', 'host-svc'],
      ],
    );
  });

  it('a SAN LUN down takes down its database, the app that depends on it and the service, each with its path', async () => {
    const r = await impact(['lun']);
    expect(states(r)).toEqual({ lun: 'DOWN', db: 'DOWN', app: 'DOWN', svc: 'DOWN' });
    expect(r.affectedServices[0].path.map((c: any) => c.name)).toEqual(['lun', 'db', 'app', 'svc']);
  });

  it('does not propagate along BACKED_UP_BY: the backup server down affects nothing else', async () => {
    expect(states(await impact(['backup']))).toEqual({ backup: 'DOWN' });
  });

  it('DEGRADED propagates as DEGRADED', async () => {
    expect(states(await impact(['esx'], { scenario: 'DEGRADED' }))).toEqual({
      esx: 'DEGRADED',
      vm: 'DEGRADED',
      app: 'DEGRADED',
      svc: 'DEGRADED',
    });
  });

  it('terminates on cycles, reporting each CI once at its shortest depth', async () => {
    const r = await impact(['c']);
    expect(r.affectedCIs.map((a: any) => [a.ci.name, a.depth])).toEqual([
      ['c', 0],
      ['b', 1],
      ['a', 2],
    ]);
  });

  it('stops at maxDepth', async () => {
    const r = await impact(['s0'], { maxDepth: 3 });
    expect(r.affectedCIs.map((a: any) => a.ci.name)).toEqual(['s0', 's1', 's2', 's3']);
    expect((await impact(['s0'])).affectedCIs).toHaveLength(7);
  });

  it('caps the result at limit and says it is truncated', async () => {
    const r = await impact(['s0'], { limit: 4 });
    expect(r.affectedCIs).toHaveLength(4);
    expect(r.truncated).toBe(true);
  });

  it('does not propagate through a retired CI, nor list what lies behind it for the customers', async () => {
    const before = await impact(['host2']);
    expect(states(before)).toEqual({
      host2: 'DOWN',
      'old-vm': 'DOWN',
      legacy: 'DOWN',
      'legacy-svc': 'DOWN',
      'host-svc': 'DOWN',
    });
    // The customer's affected services in the answer's order (by depth): host-svc at 1, legacy-svc at 3.
    expect(before.affectedCustomers).toEqual([
      {
        customer: { name: 'Legacy Customer' },
        services: [
          { service: { name: 'host-svc' }, state: 'DOWN' },
          { service: { name: 'legacy-svc' }, state: 'DOWN' },
        ],
      },
    ]);
    await h.ok(`mutation ($id: ID!) { retireCI(input: {id: $id}) { status } }`, { id: ids['old-vm'] });
    const after = await impact(['host2']);
    expect(states(after)).toEqual({ host2: 'DOWN', 'host-svc': 'DOWN' });
    expect(after.affectedCustomers).toEqual([
      { customer: { name: 'Legacy Customer' }, services: [{ service: { name: 'host-svc' }, state: 'DOWN' }] },
    ]);
    // Above, legacy-svc was reached by the expansion but not affected, so not listed; asked about, the retired VM
    // itself still takes down what runs on it.
    expect((await impact(['old-vm'])).affectedCustomers).toEqual([
      { customer: { name: 'Legacy Customer' }, services: [{ service: { name: 'legacy-svc' }, state: 'DOWN' }] },
    ]);
  });

  it('refuses unknown CIs and depths outside 1..25, naming the field', async () => {
    const unknown = await h.gql(IMPACT, { input: { ciIds: [ids.lun, 'nope'] } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ciIds[1]' });
    const deep = await h.gql(IMPACT, { input: { ciIds: [ids.lun], maxDepth: 30 } });
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.maxDepth' });
  });

  it('lists dependencies as a tree: each CI once, at its depth, with the relationship that reached it', async () => {
    const data = await h.ok(
      `query ($id: ID!) { dependencies(ciId: $id) { ci { name } depth relationship { type from { ... on CI { name } } to { ... on CI { name } } } } }`,
      { id: ids.svc },
    );
    const rows = data.dependencies.map((d: any) => [
      d.ci.name,
      d.depth,
      d.relationship.type,
      d.relationship.from.name,
      d.relationship.to.name,
    ]);
    expect(rows.sort()).toEqual(
      [
        ['app', 1, 'DEPENDS_ON', 'svc', 'app'],
        ['db', 2, 'DEPENDS_ON', 'app', 'db'],
        ['esx', 3, 'HOSTED_ON', 'vm', 'esx'],
        ['lun', 3, 'STORED_ON', 'db', 'lun'],
        ['vm', 2, 'RUNS_ON', 'app', 'vm'],
      ].sort(),
    );
    // The relationship says when it was made: the dependency tree reads the edges' times (impact never does).
    const made = await h.cypher(
      'MATCH (:CI {name: $from})-[r:DEPENDS_ON]->(:CI {name: $to}) RETURN toString(r.createdAt) AS at',
      { from: 'svc', to: 'app' },
    );
    const timed = await h.ok(
      `query ($id: ID!) { dependencies(ciId: $id, maxDepth: 1) { ci { name } relationship { createdAt } } }`,
      { id: ids.svc },
    );
    expect(timed.dependencies).toHaveLength(1);
    expect(new Date(timed.dependencies[0].relationship.createdAt).getTime()).toBe(new Date(made[0]?.at).getTime());
  });

  it('answers the same tree with or without the relationships asked (without, no edges are read unless a retired CI is reached)', async () => {
    const withRelationship = `query ($id: ID!, $d: Int) { dependencies(ciId: $id, maxDepth: $d) { ci { name status } depth relationship { type } } }`;
    const withoutRelationship = `query ($id: ID!, $d: Int) { dependencies(ciId: $id, maxDepth: $d) { ci { name status } depth } }`;
    const tree = async (query: string, name: string, d: number): Promise<string[]> =>
      (await h.ok(query, { id: ids[name], d })).dependencies
        .map((x: any) => `${x.ci.name}@${x.depth} ${x.ci.status}`)
        .sort();
    const cases: Array<[string, number, string[]]> = [
      ['svc', 10, ['app@1 LIVE', 'db@2 LIVE', 'esx@3 LIVE', 'lun@3 LIVE', 'vm@2 LIVE']],
      ['a', 10, ['b@1 LIVE', 'c@2 LIVE']], // a cycle: a itself is not its own dependency
      ['s6', 2, ['s4@2 LIVE', 's5@1 LIVE']],
      ['legacy-svc', 10, ['legacy@1 LIVE']], // the retired VM stops the walk (the full walk answers this one)
    ];
    for (const [name, d, expected] of cases) {
      expect(await tree(withoutRelationship, name, d)).toEqual(expected);
      expect(await tree(withRelationship, name, d)).toEqual(expected);
    }
  });
});

describe('impactAnalysis on the demo CMDB', () => {
  beforeAll(async () => {
    await h.reset();
    await loadDemo(h.services);
    const rows = await h.cypher('MATCH (n:Entity) RETURN n.name AS name, n.id AS id');
    ids = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });

  it('the SAN LUN holding the VMS SQL data (88% full) takes down the licence service and reaches both customers', async () => {
    // LUN-SQL-VMS-DATA holds the VMS and licence databases: when it fails they fail, so the Licence Web Service
    // and the VMS instances fail, and with them the Licence Service and the Video Management Service — which
    // Channel Sport Media (licences, VOD) and Northern Film Archive (VMS) subscribe to.
    const r = await impact(['LUN-SQL-VMS-DATA']);
    const services = Object.fromEntries(r.affectedServices.map((s: any) => [s.service.name, s.state]));
    expect(services['Licence Service']).toBe('DOWN');
    expect(services['Video Management Service']).toBeDefined();
    expect(r.affectedCustomers.map((c: any) => c.customer.name).sort()).toEqual(
      expect.arrayContaining(['Channel Sport Media', 'Northern Film Archive']),
    );
    expect(r.truncated).toBe(false);
  });

  it('the Licence Web Service failing takes down the Licence Service for Channel Sport Media, not the website', async () => {
    // The licence web service issues playback licences: the Licence Service depends on it, and the VOD business
    // service on that. The public website and the forums do not depend on licences.
    const r = await impact(['Licence Web Service']);
    const services = Object.fromEntries(r.affectedServices.map((s: any) => [s.service.name, s.state]));
    expect(services['Licence Service']).toBe('DOWN');
    expect(services['Community Forums']).toBeUndefined();
    const csm = r.affectedCustomers.find((c: any) => c.customer.name === 'Channel Sport Media');
    expect(csm.services.map((s: any) => s.service.name)).toContain('Licence Service');
  });
});
