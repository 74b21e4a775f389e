import { RegistryStore } from '../../src/modules/cmdb';
import { ADMIN, codeOf, createHarness, VIEWER, type Harness } from '../helpers/harness';

const CI_FIELDS = `id class name status version attributes identifiers revision createdAt updatedAt`;
const CREATE = `mutation ($input: CreateCIInput!) { createCI(input: $input) { ${CI_FIELDS} } }`;
const UPDATE = `mutation ($input: UpdateCIInput!) { updateCI(input: $input) { ${CI_FIELDS} location { id name } ownerGroup { id name } } }`;
const RETIRE = `mutation ($input: RetireCIInput!) { retireCI(input: $input) { ${CI_FIELDS} } }`;

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
beforeEach(async () => h.reset());
afterAll(async () => h.close());

async function createServer(
  name = 'lon-web01',
  attributes: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const data = await h.ok(CREATE, {
    input: {
      class: 'Server',
      name,
      status: 'LIVE',
      version: '1',
      attributes: { hostname: name, cpuCores: 8, os: 'Windows Server 2019', ...attributes },
    },
  });
  return data.createCI;
}

describe('createCI', () => {
  it('creates a CI with its class, attributes, identifiers, revision 1 and timestamps', async () => {
    const ci = await createServer('lon-web01', { serialNumber: 'SN-1' });
    expect(ci).toMatchObject({
      class: 'Server',
      name: 'lon-web01',
      status: 'LIVE',
      version: '1',
      revision: 1,
      attributes: { hostname: 'lon-web01', cpuCores: 8, os: 'Windows Server 2019', serialNumber: 'SN-1' },
      identifiers: { name: 'lon-web01', hostname: 'lon-web01', serialNumber: 'SN-1' },
    });
    expect(Date.parse(ci.createdAt)).not.toBeNaN();
    const again = await h.ok(`query ($id: ID!) { ci(id: $id) { id name labels: class } }`, { id: ci.id });
    expect(again.ci).toEqual({ id: ci.id, name: 'lon-web01', labels: 'Server' });
    const labels = await h.cypher('MATCH (c:CI {id: $id}) RETURN labels(c) AS labels', { id: ci.id });
    expect(labels[0]?.labels).toEqual(expect.arrayContaining(['Entity', 'CI', 'Server']));
  });

  it('defaults the status to PLANNED', async () => {
    const data = await h.ok(CREATE, { input: { class: 'Application', name: 'VMS' } });
    expect(data.createCI.status).toBe('PLANNED');
  });

  it('refuses an unknown class and names the field and the known classes', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Toaster', name: 'x' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.class');
    expect(result.errors?.[0]?.message).toMatch(/unknown class Toaster.*Server/);
  });

  it('refuses an attribute of the wrong type, naming the attribute', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Server', name: 'x', attributes: { cpuCores: 'eight' } } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.attributes.cpuCores');
  });

  it('refuses an attribute the class does not declare', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Server', name: 'x', attributes: { colour: 'blue' } } });
    expect(result.errors?.[0]?.extensions?.field).toBe('input.attributes.colour');
    expect(result.errors?.[0]?.message).toMatch(/unknown attribute for class Server/);
  });

  it('refuses a Cluster without its required minimumMembers', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Cluster', name: 'sql-cluster' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.attributes.minimumMembers');
    expect(result.errors?.[0]?.message).toMatch(/required by class Cluster/);
  });

  it('refuses a value outside allowedValues', async () => {
    const result = await h.gql(CREATE, {
      input: { class: 'StorageVolume', name: 'lun1', attributes: { storageType: 'floppy' } },
    });
    expect(result.errors?.[0]?.extensions?.field).toBe('input.attributes.storageType');
  });

  it('refuses an empty name', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Server', name: '   ' } });
    expect(result.errors?.[0]?.extensions?.field).toBe('input.name');
  });

  it('refuses a second CI of the same class and name with CONFLICT naming the existing one', async () => {
    const first = await createServer('lon-web01');
    const result = await h.gql(CREATE, { input: { class: 'Server', name: 'lon-web01' } });
    expect(codeOf(result)).toBe('CONFLICT');
    expect(result.errors?.[0]?.extensions?.existingId).toBe(first.id);
  });

  it('allows the same name in another class', async () => {
    await createServer('vms');
    const data = await h.ok(CREATE, { input: { class: 'Application', name: 'vms' } });
    expect(data.createCI.name).toBe('vms');
  });

  it('refuses a duplicate identifying attribute (serial number) within the class', async () => {
    await createServer('lon-web01', { serialNumber: 'SN-1' });
    const result = await h.gql(CREATE, {
      input: { class: 'Server', name: 'lon-web02', attributes: { serialNumber: 'SN-1' } },
    });
    expect(codeOf(result)).toBe('CONFLICT');
    expect(result.errors?.[0]?.extensions?.field).toBe('input.identifiers.serialNumber');
  });

  it('refuses an identifier the class does not identify by', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Application', name: 'x', identifiers: { hostname: 'h' } } });
    expect(result.errors?.[0]?.extensions?.field).toBe('input.identifiers.hostname');
  });

  it('writes an audit entry with the actor in the same transaction', async () => {
    const ci = await createServer();
    const rows = await h.cypher(
      'MATCH (a:AuditEntry {entityId: $id}) RETURN a.actor AS actor, a.action AS action, a.operation AS op',
      { id: ci.id },
    );
    expect(rows).toEqual([{ actor: 'test-editor', action: 'create', op: 'createCI' }]);
  });

  it('answers UNAUTHENTICATED to a write without an actor, and writes nothing', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Server', name: 'x' } }, null);
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(await h.cypher('MATCH (c:CI) RETURN count(c) AS n')).toEqual([{ n: 0 }]);
  });

  it('answers FORBIDDEN to a viewer', async () => {
    const result = await h.gql(CREATE, { input: { class: 'Server', name: 'x' } }, VIEWER);
    expect(codeOf(result)).toBe('FORBIDDEN');
  });
});

describe('updateCI', () => {
  it('merges attributes, removes those set to null, and increments the revision', async () => {
    const ci = await createServer();
    const data = await h.ok(UPDATE, {
      input: {
        id: ci.id,
        expectedRevision: 1,
        status: 'MAINTENANCE',
        attributes: { cpuCores: 16, os: null, memoryGb: 64 },
      },
    });
    expect(data.updateCI).toMatchObject({
      status: 'MAINTENANCE',
      revision: 2,
      attributes: { hostname: 'lon-web01', cpuCores: 16, memoryGb: 64 },
    });
    expect(data.updateCI.attributes.os).toBeUndefined();
    expect(Date.parse(data.updateCI.updatedAt)).toBeGreaterThanOrEqual(Date.parse(ci.updatedAt));
  });

  it('answers CONFLICT with the current revision when expectedRevision is stale, and changes nothing', async () => {
    const ci = await createServer();
    await h.ok(UPDATE, { input: { id: ci.id, expectedRevision: 1, attributes: { cpuCores: 4 } } });
    const stale = await h.gql(UPDATE, { input: { id: ci.id, expectedRevision: 1, attributes: { cpuCores: 2 } } });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors?.[0]?.extensions?.currentRevision).toBe(2);
    const now = await h.ok(`query ($id: ID!) { ci(id: $id) { revision attributes } }`, { id: ci.id });
    expect(now.ci).toMatchObject({ revision: 2, attributes: { cpuCores: 4 } });
  });

  it('lets exactly one of two concurrent updates at the same revision win', async () => {
    const ci = await createServer();
    const results = await Promise.all(
      [4, 12].map((cores) =>
        h.gql(UPDATE, { input: { id: ci.id, expectedRevision: 1, attributes: { cpuCores: cores } } }),
      ),
    );
    const codes = results.map((r) => codeOf(r) ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
  });

  it('renames a CI: the old name is free again and the new one is its identifier', async () => {
    const ci = await createServer('lon-web01');
    const data = await h.ok(UPDATE, { input: { id: ci.id, expectedRevision: 1, name: 'lon-web09' } });
    expect(data.updateCI.identifiers.name).toBe('lon-web09');
    const other = await h.ok(CREATE, { input: { class: 'Server', name: 'lon-web01' } });
    expect(other.createCI.name).toBe('lon-web01');
  });

  it('changes nothing (same revision) when the update changes nothing', async () => {
    const ci = await createServer();
    const data = await h.ok(UPDATE, { input: { id: ci.id, expectedRevision: 1, attributes: { cpuCores: 8 } } });
    expect(data.updateCI.revision).toBe(1);
  });

  it('sets and clears the location and owner group', async () => {
    const ci = await createServer();
    const dc = await h.ok(CREATE, {
      input: { class: 'Location', name: 'London DC1', attributes: { locationType: 'datacenter' } },
    });
    const group = await h.ok(`mutation { createGroup(input: {name: "Network Operations"}) { id } }`);
    const set = await h.ok(UPDATE, {
      input: { id: ci.id, expectedRevision: 1, locationId: dc.createCI.id, ownerGroupId: group.createGroup.id },
    });
    expect(set.updateCI.location).toEqual({ id: dc.createCI.id, name: 'London DC1' });
    expect(set.updateCI.ownerGroup.name).toBe('Network Operations');
    const cleared = await h.ok(UPDATE, {
      input: { id: ci.id, expectedRevision: set.updateCI.revision, locationId: null },
    });
    expect(cleared.updateCI.location).toBeNull();
    expect(cleared.updateCI.ownerGroup.name).toBe('Network Operations');
  });

  it('refuses a location that is not a Location', async () => {
    const ci = await createServer();
    const other = await createServer('lon-web02');
    const result = await h.gql(UPDATE, { input: { id: ci.id, expectedRevision: 1, locationId: other.id } });
    expect(result.errors?.[0]?.extensions?.field).toBe('input.locationId');
    expect(result.errors?.[0]?.message).toMatch(/LOCATED_IN cannot end at a Server/);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const result = await h.gql(UPDATE, { input: { id: 'nope', expectedRevision: 1, name: 'x' } });
    expect(codeOf(result)).toBe('NOT_FOUND');
  });

  it('records before and after in the audit entry', async () => {
    const ci = await createServer();
    await h.ok(UPDATE, { input: { id: ci.id, expectedRevision: 1, attributes: { cpuCores: 16 } } });
    const rows = await h.cypher(
      "MATCH (a:AuditEntry {entityId: $id, action: 'update'}) RETURN a.before AS before, a.after AS after",
      { id: ci.id },
    );
    expect(JSON.parse(rows[0]?.before)).toEqual({ 'attributes.cpuCores': 8 });
    expect(JSON.parse(rows[0]?.after)).toEqual({ 'attributes.cpuCores': 16 });
  });
});

describe('retireCI', () => {
  it('retires a CI, keeps its relationships, and refuses later changes', async () => {
    const ci = await createServer();
    const app = await h.ok(CREATE, { input: { class: 'Application', name: 'VMS' } });
    await h.ok(`mutation ($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, {
      i: { type: 'RUNS_ON', fromId: app.createCI.id, toId: ci.id },
    });
    const data = await h.ok(RETIRE, { input: { id: ci.id, reason: 'decommissioned' } });
    expect(data.retireCI).toMatchObject({ status: 'RETIRED', revision: 2 });
    const rels = await h.ok(`query ($id: ID!) { ci(id: $id) { relationships { type } } }`, { id: ci.id });
    expect(rels.ci.relationships).toEqual([{ type: 'RUNS_ON' }]);
    const update = await h.gql(UPDATE, { input: { id: ci.id, expectedRevision: 2, name: 'x' } });
    expect(codeOf(update)).toBe('CONFLICT');
    expect(codeOf(await h.gql(RETIRE, { input: { id: ci.id } }))).toBe('CONFLICT');
  });
});

describe('defineCIClass', () => {
  const DEFINE = `mutation ($input: DefineCIClassInput!) { defineCIClass(input: $input) { name base custom identifyingKeys attributes { name type required } } }`;

  it('lets an admin define a class that inherits from its base, then create and relate its CIs', async () => {
    const data = await h.ok(
      DEFINE,
      {
        input: {
          name: 'Mainframe',
          baseClass: 'Server',
          identifyingKeys: ['lpar'],
          attributes: [{ name: 'lpar', type: 'STRING', required: true }],
        },
      },
      ADMIN,
    );
    expect(data.defineCIClass).toMatchObject({
      name: 'Mainframe',
      base: 'Server',
      custom: true,
      identifyingKeys: ['name', 'hostname', 'serialNumber', 'lpar'],
    });
    expect(data.defineCIClass.attributes).toEqual(
      expect.arrayContaining([
        { name: 'lpar', type: 'STRING', required: true },
        { name: 'cpuCores', type: 'INTEGER', required: false },
      ]),
    );
    const missing = await h.gql(CREATE, { input: { class: 'Mainframe', name: 'z1' } });
    expect(missing.errors?.[0]?.extensions?.field).toBe('input.attributes.lpar');
    const mf = await h.ok(CREATE, {
      input: { class: 'Mainframe', name: 'z1', attributes: { lpar: 'LP01', cpuCores: 4 } },
    });
    expect(mf.createCI.identifiers).toEqual({ name: 'z1', lpar: 'LP01' });
    // Inherited relationship rules: an application may RUN_ON a Mainframe because it may run on a Server.
    const app = await h.ok(CREATE, { input: { class: 'Application', name: 'billing' } });
    const rel = await h.ok(`mutation ($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, {
      i: { type: 'RUNS_ON', fromId: app.createCI.id, toId: mf.createCI.id },
    });
    expect(rel.relateCIs.type).toBe('RUNS_ON');
  });

  it('is stored in the graph: a fresh registry (another process) knows the class', async () => {
    await h.ok(DEFINE, { input: { name: 'Printer', attributes: [{ name: 'model', type: 'STRING' }] } }, ADMIN);
    const fresh = new RegistryStore(h.db);
    expect((await fresh.current()).getClass('Printer')?.custom).toBe(true);
  });

  it('is refused to an editor (FORBIDDEN), for an existing name (CONFLICT), and for bad names (BAD_USER_INPUT)', async () => {
    expect(codeOf(await h.gql(DEFINE, { input: { name: 'Printer' } }))).toBe('FORBIDDEN');
    expect(codeOf(await h.gql(DEFINE, { input: { name: 'Server' } }, ADMIN))).toBe('CONFLICT');
    const bad = await h.gql(DEFINE, { input: { name: 'my printer' } }, ADMIN);
    expect(bad.errors?.[0]?.extensions?.field).toBe('input.name');
    const badKey = await h.gql(DEFINE, { input: { name: 'Scanner', identifyingKeys: ['assetTag'] } }, ADMIN);
    expect(badKey.errors?.[0]?.extensions?.field).toBe('input.identifyingKeys[0]');
  });
});
