import { codeOf, createHarness, type Harness } from '../helpers/harness';

const CREATE = `mutation ($input: CreateCIInput!) { createCI(input: $input) { id name } }`;
const RELATE = `mutation ($i: RelateCIsInput!) { relateCIs(input: $i) { type direction from { ... on CI { name } } to { ... on CI { name } } ci { name } } }`;
const UNRELATE = `mutation ($i: UnrelateCIsInput!) { unrelateCIs(input: $i) { removed type fromId toId } }`;

let h: Harness;
const ids: Record<string, string> = {};

async function ci(cls: string, name: string, attributes: Record<string, unknown> = {}): Promise<string> {
  const data = await h.ok(CREATE, { input: { class: cls, name, status: 'LIVE', attributes } });
  ids[name] = data.createCI.id;
  return data.createCI.id;
}

beforeAll(async () => {
  h = await createHarness();
});
beforeEach(async () => {
  await h.reset();
  await ci('Application', 'licence-ws');
  await ci('VirtualMachine', 'lon-lic01');
  await ci('Server', 'lon-esx01');
  await ci('StorageVolume', 'lun-42', { storageType: 'san_lun', lunId: 'LUN42' });
  await ci('Cluster', 'web-farm', { minimumMembers: 1 });
});
afterAll(async () => h.close());

describe('relateCIs', () => {
  it('relates two CIs by a registry type and shows the relationship from both ends', async () => {
    const data = await h.ok(RELATE, { i: { type: 'RUNS_ON', fromId: ids['licence-ws'], toId: ids['lon-lic01'] } });
    expect(data.relateCIs).toEqual({
      type: 'RUNS_ON',
      direction: 'OUTGOING',
      from: { name: 'licence-ws' },
      to: { name: 'lon-lic01' },
      ci: { name: 'lon-lic01' },
    });
    const both = await h.ok(
      `query ($a: ID!, $b: ID!) {
        a: ci(id: $a) { relationships { type direction ci { name } } }
        b: ci(id: $b) { out: relationships(direction: OUTGOING) { type } in: relationships(direction: INCOMING) { type ci { name } } }
      }`,
      { a: ids['licence-ws'], b: ids['lon-lic01'] },
    );
    expect(both.a.relationships).toEqual([{ type: 'RUNS_ON', direction: 'OUTGOING', ci: { name: 'lon-lic01' } }]);
    expect(both.b.out).toEqual([]);
    expect(both.b.in).toEqual([{ type: 'RUNS_ON', ci: { name: 'licence-ws' } }]);
  });

  it('stores the relationship as its own Neo4j type', async () => {
    await h.ok(RELATE, { i: { type: 'HOSTED_ON', fromId: ids['lon-lic01'], toId: ids['lon-esx01'] } });
    const rows = await h.cypher('MATCH (:CI {name: "lon-lic01"})-[r]->(:CI {name: "lon-esx01"}) RETURN type(r) AS t');
    expect(rows).toEqual([{ t: 'HOSTED_ON' }]);
  });

  it('is idempotent: relating twice leaves one relationship', async () => {
    for (let i = 0; i < 2; i++)
      await h.ok(RELATE, { i: { type: 'MEMBER_OF', fromId: ids['lon-esx01'], toId: ids['web-farm'] } });
    const rows = await h.cypher('MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS n');
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('refuses a pair of classes the registry forbids, saying which classes are allowed', async () => {
    const result = await h.gql(RELATE, { i: { type: 'STORED_ON', fromId: ids['licence-ws'], toId: ids['lun-42'] } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.type');
    expect(result.errors?.[0]?.message).toMatch(
      /STORED_ON cannot start at a Application: allowed from Database, Server, VirtualMachine/,
    );
    const wrongEnd = await h.gql(RELATE, {
      i: { type: 'MEMBER_OF', fromId: ids['lon-esx01'], toId: ids['lon-lic01'] },
    });
    expect(wrongEnd.errors?.[0]?.message).toMatch(/MEMBER_OF cannot end at a VirtualMachine: allowed to Cluster/);
    expect(await h.cypher('MATCH ()-[r:STORED_ON|MEMBER_OF]->() RETURN count(r) AS n')).toEqual([{ n: 0 }]);
  });

  it('refuses relating a CI to itself, a missing CI, and a retired CI', async () => {
    expect(
      (await h.gql(RELATE, { i: { type: 'DEPENDS_ON', fromId: ids['licence-ws'], toId: ids['licence-ws'] } }))
        .errors?.[0]?.extensions?.field,
    ).toBe('input.toId');
    expect(codeOf(await h.gql(RELATE, { i: { type: 'DEPENDS_ON', fromId: ids['licence-ws'], toId: 'missing' } }))).toBe(
      'NOT_FOUND',
    );
    await h.ok(`mutation ($id: ID!) { retireCI(input: {id: $id}) { status } }`, { id: ids['lon-esx01'] });
    const retired = await h.gql(RELATE, { i: { type: 'HOSTED_ON', fromId: ids['lon-lic01'], toId: ids['lon-esx01'] } });
    expect(retired.errors?.[0]?.message).toMatch(/retired/);
  });

  it('relates parties: a customer subscribes to a service, a CI is supported by a group', async () => {
    const svc = await ci('Service', 'Licence Service');
    const org = await h.ok(
      `mutation { createOrganization(input: {name: "Channel Sport Media", orgType: CUSTOMER}) { id } }`,
    );
    const grp = await h.ok(`mutation { createGroup(input: {name: "VMS Platform Team"}) { id } }`);
    await h.ok(RELATE, { i: { type: 'SUBSCRIBES_TO', fromId: org.createOrganization.id, toId: svc } });
    await h.ok(RELATE, { i: { type: 'SUPPORTED_BY', fromId: svc, toId: grp.createGroup.id } });
    const data = await h.ok(
      `query ($id: ID!) { ci(id: $id) { subscribers { name orgType subscriptions { name } } supportGroups { name supports { name } } } }`,
      { id: svc },
    );
    expect(data.ci).toEqual({
      subscribers: [{ name: 'Channel Sport Media', orgType: 'CUSTOMER', subscriptions: [{ name: 'Licence Service' }] }],
      supportGroups: [{ name: 'VMS Platform Team', supports: [{ name: 'Licence Service' }] }],
    });
    const wrong = await h.gql(RELATE, {
      i: { type: 'SUBSCRIBES_TO', fromId: org.createOrganization.id, toId: ids['lon-esx01'] },
    });
    expect(wrong.errors?.[0]?.message).toMatch(/SUBSCRIBES_TO cannot end at a Server/);
  });
});

describe('single-valued relationships', () => {
  it('replaces the owner group when a CI is related to a second one', async () => {
    const a = await h.ok(`mutation { createGroup(input: {name: "Storage & Backup"}) { id } }`);
    const b = await h.ok(`mutation { createGroup(input: {name: "Network Operations"}) { id } }`);
    await h.ok(RELATE, { i: { type: 'OWNED_BY', fromId: ids['lun-42'], toId: a.createGroup.id } });
    await h.ok(RELATE, { i: { type: 'OWNED_BY', fromId: ids['lun-42'], toId: b.createGroup.id } });
    const data = await h.ok(`query ($id: ID!) { ci(id: $id) { ownerGroup { name } } }`, { id: ids['lun-42'] });
    expect(data.ci.ownerGroup).toEqual({ name: 'Network Operations' });
    expect(await h.cypher('MATCH ()-[r:OWNED_BY]->() RETURN count(r) AS n')).toEqual([{ n: 1 }]);
  });
});

describe('unrelateCIs', () => {
  it('removes the relationship, and answers NOT_FOUND when there is none', async () => {
    const i = { type: 'RUNS_ON', fromId: ids['licence-ws'], toId: ids['lon-lic01'] };
    await h.ok(RELATE, { i });
    const data = await h.ok(UNRELATE, { i });
    expect(data.unrelateCIs).toEqual({ removed: true, ...i });
    expect(await h.cypher('MATCH ()-[r:RUNS_ON]->() RETURN count(r) AS n')).toEqual([{ n: 0 }]);
    expect(codeOf(await h.gql(UNRELATE, { i }))).toBe('NOT_FOUND');
  });
});

describe('registry queries', () => {
  it('lists relationship types with their impacted end and rules', async () => {
    const data = await h.ok(`{ relationshipTypes { name impacted redundancy fromClasses toClasses } }`);
    const byName = Object.fromEntries(data.relationshipTypes.map((t: { name: string }) => [t.name, t]));
    expect(byName.MEMBER_OF).toEqual({
      name: 'MEMBER_OF',
      impacted: 'TO',
      redundancy: true,
      fromClasses: ['*'],
      toClasses: ['Cluster'],
    });
    expect(byName.BACKED_UP_BY.impacted).toBe('NONE');
    expect(byName.RUNS_ON.impacted).toBe('FROM');
    for (const name of ['DEPENDS_ON', 'RUNS_ON', 'HOSTED_ON', 'CONNECTED_TO', 'STORED_ON', 'MEMBER_OF', 'BACKED_UP_BY'])
      expect(byName[name]).toBeDefined();
  });

  it('lists the built-in classes with identifying keys', async () => {
    const data = await h.ok(`{ ciClasses { name kind identifyingKeys } }`);
    const names = data.ciClasses.map((c: { name: string }) => c.name);
    for (const name of [
      'BusinessService',
      'Service',
      'Application',
      'ApplicationInstance',
      'Database',
      'Server',
      'VirtualMachine',
      'Cluster',
      'NetworkDevice',
      'LoadBalancer',
      'StorageVolume',
      'Location',
    ]) {
      expect(names).toContain(name);
    }
    expect(data.ciClasses.find((c: { name: string }) => c.name === 'Server')).toEqual({
      name: 'Server',
      kind: 'CI',
      identifyingKeys: ['name', 'hostname', 'serialNumber'],
    });
  });
});
