import { MIGRATIONS_DIR } from '../../src/paths';
import { readMigrations } from '../../src/shared/db';
import { createHarness, EDITOR, type Harness } from '../helpers/harness';

let h: Harness;
const ids: Record<string, string> = {};

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 25));
/** A moment strictly between the writes before and after it. */
async function moment(): Promise<string> {
  await pause();
  const at = new Date().toISOString();
  await pause();
  return at;
}

async function create(cls: string, name: string, attributes: Record<string, unknown> = {}): Promise<void> {
  const data = await h.ok(`mutation ($i: CreateCIInput!) { createCI(input: $i) { id } }`, {
    i: { class: cls, name, status: 'LIVE', attributes },
  });
  ids[name] = data.createCI.id;
}
const relate = (type: string, from: string, to: string) =>
  h.ok(`mutation ($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, {
    i: { type, fromId: ids[from], toId: ids[to] },
  });
const unrelate = (type: string, from: string, to: string) =>
  h.ok(`mutation ($i: UnrelateCIsInput!) { unrelateCIs(input: $i) { removed } }`, {
    i: { type, fromId: ids[from], toId: ids[to] },
  });
const update = async (name: string, input: Record<string, unknown>) => {
  const current = await h.ok(`query ($id: ID!) { ci(id: $id) { revision } }`, { id: ids[name] });
  return h.ok(`mutation ($i: UpdateCIInput!) { updateCI(input: $i) { revision } }`, {
    i: { id: ids[name], expectedRevision: current.ci.revision, ...input },
  });
};

let beforeAll_: string; // before anything existed
let withRelationship: string; // app DEPENDS_ON db, db has 8 cores
let afterRemoval: string; // the relationship removed, db has 16 cores

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  beforeAll_ = await moment();
  await create('Application', 'app');
  await create('Database', 'db', { engine: 'SQL Server', sizeGb: 100 });
  await create('Service', 'svc');
  await relate('DEPENDS_ON', 'app', 'db');
  await relate('DEPENDS_ON', 'svc', 'app');
  withRelationship = await moment();
  await unrelate('DEPENDS_ON', 'app', 'db');
  await update('db', { attributes: { sizeGb: 250 } });
  afterRemoval = await moment();
});
afterAll(async () => h.close());

describe('history and point-in-time reads', () => {
  it('lists a CI revisions with who, when, and the fields changed', async () => {
    const data = await h.ok(
      `query ($id: ID!) { ciHistory(id: $id) { revision actor operation validFrom validTo changes { field before after } ci { attributes } } }`,
      { id: ids.db },
    );
    expect(data.ciHistory).toHaveLength(2);
    const [first, second] = data.ciHistory;
    expect(first).toMatchObject({
      revision: 1,
      actor: 'test-editor',
      operation: 'createCI',
      ci: { attributes: { engine: 'SQL Server', sizeGb: 100 } },
    });
    expect(first.validTo).toBe(second.validFrom);
    expect(second).toMatchObject({
      revision: 2,
      operation: 'updateCI',
      validTo: null,
      changes: [{ field: 'attributes.sizeGb', before: 100, after: 250 }],
    });
  });

  it('reads a CI as it stood at a moment, and not before it existed', async () => {
    const q = `query ($id: ID!, $at: DateTime) { ci(id: $id, asOf: $at) { name revision attributes } }`;
    expect((await h.ok(q, { id: ids.db, at: withRelationship })).ci).toMatchObject({
      revision: 1,
      attributes: { sizeGb: 100 },
    });
    expect((await h.ok(q, { id: ids.db, at: afterRemoval })).ci).toMatchObject({
      revision: 2,
      attributes: { sizeGb: 250 },
    });
    expect((await h.ok(q, { id: ids.db, at: beforeAll_ })).ci).toBeNull();
    const listed = await h.ok(
      `query ($at: DateTime) { cis(asOf: $at, filter: {attributes: {sizeGb: 100}}) { totalCount edges { node { name } } } }`,
      { at: withRelationship },
    );
    expect(listed.cis).toEqual({ totalCount: 1, edges: [{ node: { name: 'db' } }] });
  });

  it('shows a relationship removed later as present before its removal, and absent after', async () => {
    const q = `query ($id: ID!, $at: DateTime) { ci(id: $id, asOf: $at) { relationships(direction: OUTGOING) { type ci { name attributes } } } }`;
    expect((await h.ok(q, { id: ids.app, at: withRelationship })).ci.relationships).toEqual([
      { type: 'DEPENDS_ON', ci: { name: 'db', attributes: { engine: 'SQL Server', sizeGb: 100 } } },
    ]);
    expect((await h.ok(q, { id: ids.app, at: afterRemoval })).ci.relationships).toEqual([]);
    expect((await h.ok(q, { id: ids.app, at: beforeAll_ })).ci).toBeNull();
  });

  it('answers impact analysis and dependencies as of a moment', async () => {
    const impact = `query ($id: ID!, $at: DateTime) { impactAnalysis(input: {ciIds: [$id], asOf: $at}) { affectedServices { service { name } path { name } } } }`;
    expect((await h.ok(impact, { id: ids.db, at: withRelationship })).impactAnalysis.affectedServices).toEqual([
      { service: { name: 'svc' }, path: [{ name: 'db' }, { name: 'app' }, { name: 'svc' }] },
    ]);
    expect((await h.ok(impact, { id: ids.db, at: afterRemoval })).impactAnalysis.affectedServices).toEqual([]);
    expect((await h.ok(impact, { id: ids.db })).impactAnalysis.affectedServices).toEqual([]);
    const deps = `query ($id: ID!, $at: DateTime) { dependencies(ciId: $id, asOf: $at) { ci { name } depth } }`;
    expect((await h.ok(deps, { id: ids.svc, at: withRelationship })).dependencies).toEqual([
      { ci: { name: 'app' }, depth: 1 },
      { ci: { name: 'db' }, depth: 2 },
    ]);
    expect((await h.ok(deps, { id: ids.svc, at: afterRemoval })).dependencies).toEqual([
      { ci: { name: 'app' }, depth: 1 },
    ]);
    const early = await h.gql(impact, { id: ids.db, at: beforeAll_ });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ciIds[0]' });
  });
});

describe('baselines', () => {
  const CREATE = `mutation ($i: CreateBaselineInput!) { createBaseline(input: $i) { id name takenAt checksum ciCount relationshipCount } }`;
  const VERIFY = `query ($id: ID!) { verifyBaseline(id: $id) { valid actualChecksum baseline { checksum } } }`;
  const DIFF_FIELDS = `fromAt toAt counts { addedCIs removedCIs changedCIs addedRelationships removedRelationships }
    addedCIs { name class } removedCIs { name } changedCIs { ci { name } changes { field before after } }
    addedRelationships { type from { name } to { name } } removedRelationships { type from { name } to { name } }`;

  it('takes an immutable checksummed baseline, which verifies until history is tampered with', async () => {
    const data = await h.ok(CREATE, { i: { name: 'Q4 audit', scope: { all: true } } });
    expect(data.createBaseline).toMatchObject({ name: 'Q4 audit', ciCount: 3, relationshipCount: 1 });
    expect(data.createBaseline.checksum).toMatch(/^[0-9a-f]{64}$/);
    const id = data.createBaseline.id;
    // Later changes do not affect the baseline: it is the CMDB as it stood when taken.
    await update('svc', { attributes: { criticality: 'high' } });
    expect((await h.ok(VERIFY, { id })).verifyBaseline.valid).toBe(true);
    // Someone edits the database behind the API: the recomputed checksum no longer matches. The db's state in the
    // baseline (revision 2) is first its live record, then — once a later update supersedes it — a stored revision.
    const tamper = async (label: 'Entity' | 'Revision', sizeGb: number) =>
      h.cypher(`MATCH (v:${label} {id: $id, revision: 2}) SET v.a_sizeGb = $sizeGb`, { id: ids.db, sizeGb });
    for (const label of ['Entity', 'Revision'] as const) {
      if (label === 'Revision') {
        await update('db', { attributes: { engine: 'Microsoft SQL Server' } });
        // Superseding copies the state faithfully: the baseline still verifies.
        expect((await h.ok(VERIFY, { id })).verifyBaseline.valid).toBe(true);
      }
      await tamper(label, 99);
      const tampered = (await h.ok(VERIFY, { id })).verifyBaseline;
      expect(tampered.valid).toBe(false);
      expect(tampered.actualChecksum).not.toBe(tampered.baseline.checksum);
      await tamper(label, 250);
      expect((await h.ok(VERIFY, { id })).verifyBaseline.valid).toBe(true);
    }
  });

  it('diffs a baseline against now: attribute changes, added CIs, added and removed relationships', async () => {
    const base = (await h.ok(CREATE, { i: { name: 'before change', scope: { all: true } } })).createBaseline;
    await pause();
    await update('db', { attributes: { sizeGb: 500, engineVersion: '2019' } });
    await create('StorageVolume', 'lun-7', { storageType: 'san_lun', lunId: 'LUN7' });
    await relate('STORED_ON', 'db', 'lun-7');
    await unrelate('DEPENDS_ON', 'svc', 'app');
    const diff = (await h.ok(`query ($id: ID!) { drift(baselineId: $id) { ${DIFF_FIELDS} } }`, { id: base.id })).drift;
    expect(diff.counts).toEqual({
      addedCIs: 1,
      removedCIs: 0,
      changedCIs: 1,
      addedRelationships: 1,
      removedRelationships: 1,
    });
    expect(diff.addedCIs).toEqual([{ name: 'lun-7', class: 'StorageVolume' }]);
    expect(diff.changedCIs).toEqual([
      {
        ci: { name: 'db' },
        changes: [
          { field: 'attributes.engineVersion', before: null, after: '2019' },
          { field: 'attributes.sizeGb', before: 250, after: 500 },
        ],
      },
    ]);
    expect(diff.addedRelationships).toEqual([{ type: 'STORED_ON', from: { name: 'db' }, to: { name: 'lun-7' } }]);
    expect(diff.removedRelationships).toEqual([{ type: 'DEPENDS_ON', from: { name: 'svc' }, to: { name: 'app' } }]);
    expect(diff.fromAt).toBe(base.takenAt);
    // The same diff between two moments, without a baseline.
    const between = (
      await h.ok(
        `query ($a: DateTime, $b: DateTime) { baselineDiff(from: {at: $a}, to: {at: $b}) { ${DIFF_FIELDS} } }`,
        { a: beforeAll_, b: withRelationship },
      )
    ).baselineDiff;
    expect(between.counts).toEqual({
      addedCIs: 3,
      removedCIs: 0,
      changedCIs: 0,
      addedRelationships: 2,
      removedRelationships: 0,
    });
    // Backwards in time the diff takes the full-snapshot path: it must mirror the incremental forward diff.
    const backwards = (
      await h.ok(
        `query ($a: DateTime, $b: DateTime) { baselineDiff(from: {at: $b}, to: {at: $a}) { ${DIFF_FIELDS} } }`,
        { a: beforeAll_, b: withRelationship },
      )
    ).baselineDiff;
    expect(backwards.counts).toEqual({
      addedCIs: 0,
      removedCIs: 3,
      changedCIs: 0,
      addedRelationships: 0,
      removedRelationships: 2,
    });
    expect(backwards.removedRelationships.map((r: any) => `${r.from.name}-${r.type}->${r.to.name}`).sort()).toEqual(
      between.addedRelationships.map((r: any) => `${r.from.name}-${r.type}->${r.to.name}`).sort(),
    );
  });

  it('scopes a baseline to a service and what it depends on', async () => {
    await relate('DEPENDS_ON', 'svc', 'app');
    await relate('DEPENDS_ON', 'app', 'db');
    const data = await h.ok(CREATE, { i: { name: 'svc only', scope: { serviceId: ids.svc } } });
    // svc, app, db and the LUN db is stored on: four CIs, three relationships.
    expect(data.createBaseline).toMatchObject({ ciCount: 4, relationshipCount: 3 });
    const byFilter = await h.ok(CREATE, { i: { name: 'databases', scope: { filter: { classes: ['Database'] } } } });
    expect(byFilter.createBaseline).toMatchObject({ ciCount: 1, relationshipCount: 0 });
  });

  it('refuses a scope that is not exactly one of all, serviceId and filter', async () => {
    const result = await h.gql(CREATE, { i: { name: 'x', scope: { all: true, serviceId: ids.svc } } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope' });
    const noService = await h.gql(CREATE, { i: { name: 'x', scope: { serviceId: 'nope' } } });
    expect(noService.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.scope.serviceId' });
    const unknown = await h.gql(`query { verifyBaseline(id: "nope") { valid } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('stores only superseded states as revisions; a database written before that is converted by migration V0005', async () => {
    const HISTORY = `query ($id: ID!) { ciHistory(id: $id) { revision actor operation validTo ci { attributes } } }`;
    await create('Server', 'legacy', { cpuCores: 4 });
    const revisions = () =>
      h.cypher(
        'MATCH (v:Revision {id: $id}) RETURN v.revision AS revision, v.validTo IS NULL AS open ORDER BY revision',
        { id: ids.legacy },
      );
    // A new CI is its live record only: creating (or importing) writes no revision.
    expect(await revisions()).toEqual([]);
    // The layout before V0005: every state, the current one too, copied into a revision; the writer only there.
    await h.cypher(
      `MATCH (n:Entity {id: $id})
       CREATE (v:Revision) SET v = properties(n), v.kind = 'ci', v.identifiers = [], v.validFrom = n.updatedAt, v.validTo = null,
                               v.actor = 'legacy-importer', v.operation = 'importCIs'
       REMOVE n.actor, n.operation`,
      { id: ids.legacy },
    );
    const v5 = readMigrations(MIGRATIONS_DIR).find((m) => m.version === 5);
    for (const statement of v5?.statements ?? []) await h.cypher(statement);
    expect(await revisions()).toEqual([]);
    expect((await h.ok(HISTORY, { id: ids.legacy })).ciHistory).toEqual([
      {
        revision: 1,
        actor: 'legacy-importer',
        operation: 'importCIs',
        validTo: null,
        ci: { attributes: { cpuCores: 4 } },
      },
    ]);
    // An update supersedes the current state: one revision, closed, carrying who wrote that state.
    await update('legacy', { attributes: { cpuCores: 8 } });
    expect(await revisions()).toEqual([{ revision: 1, open: false }]);
    const history = (await h.ok(HISTORY, { id: ids.legacy })).ciHistory;
    expect(history.map((r: any) => [r.revision, r.actor, r.operation, r.ci.attributes.cpuCores])).toEqual([
      [1, 'legacy-importer', 'importCIs', 4],
      [2, 'test-editor', 'updateCI', 8],
    ]);
  });

  it('keeps the state an update replaces even when another writer changed the record while the update waited', async () => {
    const item = (cpuCores: number) => ({
      source: 'discovery',
      items: [{ class: 'Server', name: 'raced', attributes: { cpuCores } }],
    });
    expect((await h.services.imports.importCMDB(EDITOR, item(2))).created).toBe(1);
    const [{ id } = { id: '' }] = (await h.cypher("MATCH (n:CI {name: 'raced'}) RETURN n.id AS id")) as Array<{
      id: string;
    }>;
    // Another writer holds the record and changes it; the import's update has to wait for it.
    const session = h.db.driver.session();
    const other = session.beginTransaction();
    try {
      await other.run('MATCH (n:Entity {id: $id}) SET n.a_cpuCores = 4, n.revision = 2, n.updatedAt = datetime()', {
        id,
      });
      const importing = h.services.imports.importCMDB(EDITOR, item(8));
      for (let blocked = false, polls = 0; !blocked; polls++) {
        if (polls === 500) throw new Error('the import never waited for the record held by the other transaction');
        await new Promise((r) => setTimeout(r, 20));
        const waiting = await h.cypher(
          "SHOW TRANSACTIONS YIELD currentQuery, status WHERE status STARTS WITH 'Blocked' AND currentQuery CONTAINS 'Revision' RETURN count(*) AS n",
        );
        blocked = (waiting[0]?.n as number) > 0;
      }
      await other.commit();
      expect((await importing).updated).toBe(1);
    } finally {
      await session.close();
    }
    // The revision holds the state the import replaced (4 cores, the other writer's), never the one it first read.
    const revisions = await h.cypher(
      'MATCH (v:Revision {id: $id}) RETURN v.revision AS revision, v.a_cpuCores AS cpuCores ORDER BY v.validFrom',
      { id },
    );
    expect(revisions).toEqual([{ revision: 2, cpuCores: 4 }]);
    expect(
      await h.cypher('MATCH (n:Entity {id: $id}) RETURN n.revision AS revision, n.a_cpuCores AS cpuCores', { id }),
    ).toEqual([{ revision: 3, cpuCores: 8 }]);
  });
});
