import type { ImportData } from '../../src/modules/cmdb';
import { codeOf, createHarness, EDITOR, VIEWER, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
beforeEach(async () => h.reset());
afterAll(async () => h.close());

const IMPORT = `mutation ($input: ImportInput!) {
  importCMDB(input: $input) { applied created updated unchanged relationsCreated relationsUnchanged rejected { kind index reason field } }
}`;

const servers = (n: number, extra: Record<string, unknown> = {}): ImportData['items'] =>
  Array.from({ length: n }, (_, i) => ({
    class: 'Server',
    name: `lon-sql0${i}`,
    status: 'LIVE',
    attributes: { hostname: `lon-sql0${i}`, serialNumber: `SN-${i}`, os: 'Windows Server 2019', ...extra },
  }));

async function countServers(): Promise<number> {
  return (await h.cypher('MATCH (c:Server) RETURN count(c) AS n'))[0]?.n;
}

describe('importCMDB', () => {
  it('creates new items, and reports a second identical import as unchanged', async () => {
    const first = await h.ok(IMPORT, { input: { source: 'discovery', items: servers(3) } });
    expect(first.importCMDB).toMatchObject({ applied: true, created: 3, updated: 0, unchanged: 0, rejected: [] });
    const again = await h.ok(IMPORT, { input: { source: 'discovery', items: servers(3) } });
    expect(again.importCMDB).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await countServers()).toBe(3);
  });

  it('matches an existing CI by any of its identifiers (serial number) and updates it instead of duplicating', async () => {
    await h.ok(IMPORT, { input: { source: 'discovery', items: servers(1) } });
    const renamedHost = [
      {
        class: 'Server',
        name: 'lon-sql00-new',
        attributes: { serialNumber: 'SN-0', hostname: 'lon-sql00b', cpuCores: 16 },
      },
    ];
    const data = await h.ok(IMPORT, { input: { source: 'discovery', items: renamedHost } });
    expect(data.importCMDB).toMatchObject({ created: 0, updated: 1 });
    const rows = await h.cypher(
      'MATCH (c:Server) RETURN c.name AS name, c.a_hostname AS host, c.a_cpuCores AS cores, c.revision AS rev',
    );
    expect(rows).toEqual([{ name: 'lon-sql00-new', host: 'lon-sql00b', cores: 16, rev: 2 }]);
    // The new name and hostname identify it now; the old ones no longer do.
    const byNewHost = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [{ class: 'Server', name: 'lon-sql00-new', attributes: { hostname: 'lon-sql00b' } }],
      },
    });
    expect(byNewHost.importCMDB.unchanged).toBe(1);
    const oldName = await h.cypher("MATCH (i:Identifier {key: 'Server/name=lon-sql00'}) RETURN count(i) AS n");
    expect(oldName).toEqual([{ n: 0 }]);
  });

  it('merges attributes by source precedence: a lower source cannot overwrite a higher one', async () => {
    const created = await h.ok(
      `mutation { createCI(input: {class: "Server", name: "lon-sql00", attributes: {os: "Windows Server 2022"}}) { id } }`,
    );
    // discovery ranks below manual: os stays as the person set it, cpuCores (not set manually) is taken.
    const data = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [{ class: 'Server', name: 'lon-sql00', attributes: { os: 'Windows Server 2019', cpuCores: 8 } }],
      },
    });
    expect(data.importCMDB).toMatchObject({ updated: 1 });
    const ci = await h.ok(`query ($id: ID!) { ci(id: $id) { attributes } }`, { id: created.createCI.id });
    expect(ci.ci.attributes).toEqual({ os: 'Windows Server 2022', cpuCores: 8 });
    // An unknown source ranks lowest: it cannot overwrite discovery's value.
    await h.ok(IMPORT, {
      input: { source: 'spreadsheet', items: [{ class: 'Server', name: 'lon-sql00', attributes: { cpuCores: 2 } }] },
    });
    // The same source can correct its own value.
    await h.ok(IMPORT, {
      input: { source: 'discovery', items: [{ class: 'Server', name: 'lon-sql00', attributes: { cpuCores: 12 } }] },
    });
    const after = await h.ok(`query ($id: ID!) { ci(id: $id) { attributes } }`, { id: created.createCI.id });
    expect(after.ci.attributes).toEqual({ os: 'Windows Server 2022', cpuCores: 12 });
  });

  it('rejects bad items with their index and reason while the valid rest lands', async () => {
    const items = [
      ...servers(2),
      { class: 'Toaster', name: 'x' },
      { class: 'Server', name: 'bad-cores', attributes: { cpuCores: 'eight' } },
      { class: 'Cluster', name: 'no-minimum' },
      { class: 'Server', name: '' },
      { class: 'Server', name: 'twin', attributes: { serialNumber: 'SN-0' } },
    ];
    const data = await h.ok(IMPORT, { input: { source: 'discovery', items } });
    expect(data.importCMDB.created).toBe(2);
    expect(data.importCMDB.rejected).toEqual([
      { kind: 'ITEM', index: 2, reason: expect.stringMatching(/unknown class Toaster/), field: 'items[2].class' },
      { kind: 'ITEM', index: 3, reason: expect.any(String), field: 'items[3].attributes.cpuCores' },
      {
        kind: 'ITEM',
        index: 4,
        reason: expect.stringMatching(/required by class Cluster/),
        field: 'items[4].attributes.minimumMembers',
      },
      { kind: 'ITEM', index: 5, reason: expect.stringMatching(/must not be empty/), field: 'items[5].name' },
      { kind: 'ITEM', index: 6, reason: expect.stringMatching(/same record as items\[0\]/), field: 'items[6]' },
    ]);
    expect(await countServers()).toBe(2);
  });

  it('with atomic: true writes nothing when anything is rejected, and reports why', async () => {
    const input = {
      source: 'discovery',
      atomic: true,
      items: [...servers(3), { class: 'Server', name: 'bad', attributes: { cpuCores: -1 } }],
    };
    const data = await h.ok(IMPORT, { input });
    expect(data.importCMDB).toMatchObject({ applied: false, created: 0 });
    expect(data.importCMDB.rejected).toEqual([
      expect.objectContaining({ kind: 'ITEM', index: 3, field: 'items[3].attributes.cpuCores' }),
    ]);
    expect(await countServers()).toBe(0);
  });

  it('with atomic: true also rolls back when a relation found inside the transaction is rejected', async () => {
    const input = {
      source: 'discovery',
      atomic: true,
      items: servers(2),
      relations: [
        {
          type: 'DEPENDS_ON',
          from: { class: 'Server', identifiers: { name: 'lon-sql00' } },
          to: { class: 'Server', identifiers: { name: 'nowhere' } },
        },
      ],
    };
    const data = await h.ok(IMPORT, { input });
    expect(data.importCMDB.applied).toBe(false);
    expect(data.importCMDB.rejected).toEqual([
      expect.objectContaining({ kind: 'RELATION', index: 0, field: 'relations[0].to' }),
    ]);
    expect(await countServers()).toBe(0);
    expect(await h.cypher('MATCH (a:AuditEntry) RETURN count(a) AS n')).toEqual([{ n: 0 }]);
  });

  it('imports relations by identifiers or by id, counts new and existing ones, and rejects invalid ones', async () => {
    const app = await h.ok(`mutation { createCI(input: {class: "Application", name: "licence-ws"}) { id } }`);
    const input = {
      source: 'discovery',
      items: [
        ...servers(2),
        { class: 'StorageVolume', name: 'lun-42', attributes: { lunId: 'LUN42', storageType: 'san_lun' } },
      ],
      relations: [
        {
          type: 'STORED_ON',
          from: { class: 'Server', identifiers: { hostname: 'lon-sql00' } },
          to: { class: 'StorageVolume', identifiers: { lunId: 'LUN42' } },
        },
        {
          type: 'RUNS_ON',
          from: { id: app.createCI.id },
          to: { class: 'Server', identifiers: { serialNumber: 'SN-1' } },
        },
        {
          type: 'RUNS_ON',
          from: { class: 'StorageVolume', identifiers: { name: 'lun-42' } },
          to: { class: 'Server', identifiers: { name: 'lon-sql00' } },
        },
        { type: 'DEPENDS_ON', from: { id: 'no-such-id' }, to: { class: 'Server', identifiers: { name: 'lon-sql00' } } },
        { type: 'DEPENDS_ON', from: { class: 'Server' }, to: { class: 'Server', identifiers: { name: 'lon-sql00' } } },
      ],
    };
    const data = await h.ok(IMPORT, { input });
    expect(data.importCMDB).toMatchObject({ created: 3, relationsCreated: 2, relationsUnchanged: 0 });
    expect(data.importCMDB.rejected).toEqual([
      {
        kind: 'RELATION',
        index: 2,
        reason: expect.stringMatching(/RUNS_ON cannot start at a StorageVolume/),
        field: 'relations[2].type',
      },
      {
        kind: 'RELATION',
        index: 3,
        reason: expect.stringMatching(/no record matches id no-such-id/),
        field: 'relations[3].from',
      },
      {
        kind: 'RELATION',
        index: 4,
        reason: expect.stringMatching(/either id, or class with identifiers/),
        field: 'relations[4].from',
      },
    ]);
    const again = await h.ok(IMPORT, { input: { ...input, relations: input.relations.slice(0, 2) } });
    expect(again.importCMDB).toMatchObject({ unchanged: 3, relationsCreated: 0, relationsUnchanged: 2 });
  });

  it('rejects a relation end whose identifiers name two records, and keeps relation attributes', async () => {
    await h.ok(IMPORT, { input: { source: 'discovery', items: servers(2) } });
    const data = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [],
        relations: [
          {
            type: 'DEPENDS_ON',
            from: { class: 'Server', identifiers: { hostname: 'lon-sql00', serialNumber: 'SN-1' } },
            to: { class: 'Server', identifiers: { name: 'lon-sql01' } },
          },
          {
            type: 'DEPENDS_ON',
            from: { class: 'Server', identifiers: { name: 'lon-sql00' } },
            to: { class: 'Server', identifiers: { hostname: 'lon-sql01' } },
            attributes: { purpose: 'replication' },
          },
        ],
      },
    });
    expect(data.importCMDB).toMatchObject({ relationsCreated: 1 });
    expect(data.importCMDB.rejected).toEqual([
      {
        kind: 'RELATION',
        index: 0,
        reason: expect.stringMatching(/relations\[0\]\.from: Server \{.*\} matches 2 different records/),
        field: 'relations[0].from',
      },
    ]);
    const [row] = await h.cypher(
      "MATCH (:CI {name: 'lon-sql00'})-[r:DEPENDS_ON]->(:CI {name: 'lon-sql01'}) RETURN r.a_purpose AS purpose",
    );
    expect(row?.purpose).toBe('replication');
  });

  it('imports organizations, groups and people with their relations through the same path', async () => {
    const input = {
      source: 'hr',
      items: [
        { class: 'Service', name: 'Licence Service' },
        { class: 'Organization', name: 'Channel Sport Media', attributes: { orgType: 'customer' } },
        { class: 'Group', name: 'Microsoft Application Support' },
        { class: 'Person', name: 'Ray', attributes: { email: 'ray@ioko.example', timezone: 'America/Los_Angeles' } },
      ],
      relations: [
        {
          type: 'SUBSCRIBES_TO',
          from: { class: 'Organization', identifiers: { name: 'Channel Sport Media' } },
          to: { class: 'Service', identifiers: { name: 'Licence Service' } },
        },
        {
          type: 'SUPPORTED_BY',
          from: { class: 'Service', identifiers: { name: 'Licence Service' } },
          to: { class: 'Group', identifiers: { name: 'Microsoft Application Support' } },
        },
        {
          type: 'MEMBER_OF_GROUP',
          from: { class: 'Person', identifiers: { email: 'ray@ioko.example' } },
          to: { class: 'Group', identifiers: { name: 'Microsoft Application Support' } },
        },
      ],
    };
    const data = await h.ok(IMPORT, { input });
    expect(data.importCMDB).toMatchObject({ created: 4, relationsCreated: 3, rejected: [] });
    const groups = await h.ok(
      `{ groups { name members { name email groups { name } } supports { name subscribers { name } } } }`,
    );
    expect(groups.groups).toEqual([
      {
        name: 'Microsoft Application Support',
        members: [{ name: 'Ray', email: 'ray@ioko.example', groups: [{ name: 'Microsoft Application Support' }] }],
        supports: [{ name: 'Licence Service', subscribers: [{ name: 'Channel Sport Media' }] }],
      },
    ]);
    const org = await h.ok(`{ organizations(orgType: CUSTOMER) { name } }`);
    expect(org.organizations).toEqual([{ name: 'Channel Sport Media' }]);
  });

  it('rejects an item that matches two different CIs, naming both', async () => {
    await h.ok(IMPORT, { input: { source: 'discovery', items: servers(2) } });
    const data = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [{ class: 'Server', name: 'lon-sql00', attributes: { serialNumber: 'SN-1' } }],
      },
    });
    expect(data.importCMDB.rejected).toEqual([
      expect.objectContaining({ index: 0, reason: expect.stringMatching(/matches 2 different records/) }),
    ]);
  });

  it('refuses a second item that reaches the same record through other identifiers, in one batch or in parallel ones', async () => {
    // Neither shares an identifier with the other, but both reach lon-sql00: one by serial number, one by name.
    const items = [
      { class: 'Server', name: 'renamed-by-asset-scan', attributes: { serialNumber: 'SN-0', os: 'Ubuntu 24.04' } },
      { class: 'Server', name: 'lon-sql00', attributes: { os: 'Windows Server 2022' } },
    ];
    for (const batchSize of [5000, 1, 1, 1, 1, 1]) {
      await h.reset();
      await h.ok(IMPORT, { input: { source: 'discovery', items: servers(1) } });
      const r = await h.services.imports.importCMDB(EDITOR, { source: 'discovery', items }, { batchSize });
      expect(r.updated + r.unchanged).toBe(1);
      expect(r.rejected).toHaveLength(1);
      const [rejected] = r.rejected;
      expect(rejected?.reason).toMatch(
        new RegExp(
          `items\\[${rejected?.index}\\]: (matches|reaches) the same record .*items\\[${1 - (rejected?.index ?? 0)}\\].*; merge them into one item`,
        ),
      );
      expect(rejected?.field).toBe(`items[${rejected?.index}].identifiers`);
      // What landed is the accepted item's, whole: never a mix of both.
      const [row] = await h.cypher('MATCH (c:Server) RETURN c.a_os AS os, count(*) AS n');
      expect(row?.n).toBe(1);
      expect(row?.os).toBe(items[1 - (rejected?.index ?? 0)]?.attributes.os);
    }
  });

  it('rejects the same items and relations when batches are written while the rest is still being validated', async () => {
    // Batches of 2 items, relations validated 2 at a time between the item batches' round trips: every check that
    // compares entries with earlier ones (a twin item, a second LOCATED_IN of one server) spans batches and slices.
    const items = [
      ...servers(3),
      { class: 'Toaster', name: 'x' },
      { class: 'Location', name: 'London DC1' },
      { class: 'Server', name: 'twin', attributes: { serialNumber: 'SN-1' } },
      { class: 'Location', name: 'Manchester DC2' },
    ];
    const at = (server: string, dc: string) => ({
      type: 'LOCATED_IN',
      from: { class: 'Server', identifiers: { name: server } },
      to: { class: 'Location', identifiers: { name: dc } },
    });
    const relations = [
      at('lon-sql00', 'London DC1'),
      {
        type: 'HOSTS_NOTHING',
        from: { class: 'Server', identifiers: { name: 'lon-sql01' } },
        to: { class: 'Server', identifiers: { name: 'lon-sql02' } },
      },
      at('lon-sql01', 'London DC1'),
      at('lon-sql02', 'Manchester DC2'),
      at('lon-sql00', 'Manchester DC2'),
      {
        type: 'DEPENDS_ON',
        from: { class: 'Server', identifiers: { name: 'lon-sql01' } },
        to: { class: 'Server', identifiers: { name: 'twin' } },
      },
    ];
    const progress: string[] = [];
    const r = await h.services.imports.importCMDB(
      EDITOR,
      { source: 'discovery', items, relations },
      { batchSize: 2, prepareSlice: 2, onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`) },
    );
    expect(r).toMatchObject({ applied: true, created: 5, relationsCreated: 3 });
    expect(r.rejected.map((x) => [x.kind, x.index, x.field])).toEqual([
      ['ITEM', 3, 'items[3].class'],
      ['ITEM', 5, 'items[5]'],
      ['RELATION', 1, 'relations[1].type'],
      ['RELATION', 4, 'relations[4]'],
      ['RELATION', 5, 'relations[5].to'],
    ]);
    expect(r.rejected[1]?.reason).toMatch(/same record as items\[1\]/);
    expect(r.rejected[3]?.reason).toMatch(/at most one LOCATED_IN, and relations\[0\] already gives this one/);
    // Two item lanes may finish out of order; relations (4 left after validation) go one batch at a time.
    expect(progress.filter((p) => p.startsWith('items'))).toHaveLength(4);
    expect(progress.slice(3)).toEqual(['items 7/7', 'relations 2/4', 'relations 4/4']);
    expect(await h.cypher('MATCH (s:Server)-[:LOCATED_IN]->(l) RETURN s.name AS s, l.name AS l ORDER BY s')).toEqual([
      { s: 'lon-sql00', l: 'London DC1' },
      { s: 'lon-sql01', l: 'London DC1' },
      { s: 'lon-sql02', l: 'Manchester DC2' },
    ]);
  });

  it('creates no duplicates when two imports of the same items run at the same time', async () => {
    const data: ImportData = { source: 'discovery', items: servers(300) };
    const results = await Promise.all([
      h.services.imports.importCMDB(EDITOR, data, { batchSize: 50 }),
      h.services.imports.importCMDB(EDITOR, data, { batchSize: 50 }),
    ]);
    expect(await countServers()).toBe(300);
    expect(
      await h.cypher('MATCH (i:Identifier) WITH i.key AS k, count(*) AS n WHERE n > 1 RETURN count(k) AS dupes'),
    ).toEqual([{ dupes: 0 }]);
    const total = results.map((r) => r.created + r.updated + r.unchanged);
    expect(total).toEqual([300, 300]);
    expect(results[0]!.created + results[1]!.created).toBe(300);
    expect(results.flatMap((r) => r.rejected)).toEqual([]);
  });

  it('needs an actor with the import permission', async () => {
    expect(codeOf(await h.gql(IMPORT, { input: { source: 'x', items: [] } }, null))).toBe('UNAUTHENTICATED');
    expect(codeOf(await h.gql(IMPORT, { input: { source: 'x', items: [] } }, VIEWER))).toBe('FORBIDDEN');
  });

  it('refuses a missing source naming the field', async () => {
    const result = await h.gql(IMPORT, { input: { source: ' ', items: [] } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.source' });
  });

  it('matches identifiers case-insensitively: LON-SQL00 is lon-sql00', async () => {
    await h.ok(IMPORT, { input: { source: 'discovery', items: servers(1) } });
    const data = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [{ class: 'Server', name: 'LON-SQL00', attributes: { hostname: 'LON-SQL00' } }],
      },
    });
    expect(data.importCMDB).toMatchObject({ created: 0, updated: 1 });
    expect(await countServers()).toBe(1);
  });

  it('clears an attribute given as null, unless a higher source set it', async () => {
    await h.ok(IMPORT, { input: { source: 'discovery', items: servers(1, { cpuCores: 8 }) } });
    const data = await h.ok(IMPORT, {
      input: { source: 'discovery', items: [{ class: 'Server', name: 'lon-sql00', attributes: { cpuCores: null } }] },
    });
    expect(data.importCMDB.updated).toBe(1);
    expect(await h.cypher("MATCH (c:Server {name: 'lon-sql00'}) RETURN c.a_cpuCores AS cores, c.a_os AS os")).toEqual([
      { cores: null, os: 'Windows Server 2019' },
    ]);
    const lower = await h.ok(IMPORT, {
      input: { source: 'spreadsheet', items: [{ class: 'Server', name: 'lon-sql00', attributes: { os: null } }] },
    });
    expect(lower.importCMDB.unchanged).toBe(1);
  });

  it('keeps single-valued relationships single: a new LOCATED_IN replaces the old one', async () => {
    const rel = (dc: string) => ({
      type: 'LOCATED_IN',
      from: { class: 'Server', identifiers: { name: 'lon-sql00' } },
      to: { class: 'Location', identifiers: { name: dc } },
    });
    const items = [
      ...servers(1),
      { class: 'Location', name: 'London DC1' },
      { class: 'Location', name: 'Manchester DC2' },
    ];
    await h.ok(IMPORT, { input: { source: 'discovery', items, relations: [rel('London DC1')] } });
    await h.ok(IMPORT, { input: { source: 'discovery', items, relations: [rel('Manchester DC2')] } });
    expect(await h.cypher('MATCH (:Server)-[:LOCATED_IN]->(l) RETURN l.name AS dc')).toEqual([
      { dc: 'Manchester DC2' },
    ]);
  });

  it('refuses new relations to a retired CI', async () => {
    await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [...servers(1), { class: 'Application', name: 'old-app', status: 'RETIRED' }],
      },
    });
    const data = await h.ok(IMPORT, {
      input: {
        source: 'discovery',
        items: [],
        relations: [
          {
            type: 'RUNS_ON',
            from: { class: 'Application', identifiers: { name: 'old-app' } },
            to: { class: 'Server', identifiers: { name: 'lon-sql00' } },
          },
        ],
      },
    });
    expect(data.importCMDB.rejected).toEqual([
      expect.objectContaining({ index: 0, reason: expect.stringMatching(/retired/) }),
    ]);
  });
});
