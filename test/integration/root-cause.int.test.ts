import type { ImportData } from '../../src/modules/cmdb';
import { ADMIN, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let ids: Record<string, string> = {};

// lun ← STORED_ON ← db1, db2; app1, app3 DEPEND_ON db1; app2 DEPENDS_ON db2; app1 RUNS_ON vm1 HOSTED_ON esx1;
// a decoy switch that only app1 is CONNECTED_TO, changed recently; the LUN was changed recently too.
const ITEMS: Array<[string, string]> = [
  ['StorageVolume', 'lun'],
  ['Database', 'db1'],
  ['Database', 'db2'],
  ['Application', 'app1'],
  ['Application', 'app2'],
  ['Application', 'app3'],
  ['VirtualMachine', 'vm1'],
  ['Server', 'esx1'],
  ['NetworkDevice', 'decoy-switch'],
];
const RELATIONS: Array<[string, string, string]> = [
  ['db1', 'STORED_ON', 'lun'],
  ['db2', 'STORED_ON', 'lun'],
  ['app1', 'DEPENDS_ON', 'db1'],
  ['app3', 'DEPENDS_ON', 'db1'],
  ['app2', 'DEPENDS_ON', 'db2'],
  ['app1', 'RUNS_ON', 'vm1'],
  ['vm1', 'HOSTED_ON', 'esx1'],
  ['app1', 'CONNECTED_TO', 'decoy-switch'],
];

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  const classOf = new Map(ITEMS.map(([c, n]) => [n, c]));
  const data: ImportData = {
    source: 'test',
    items: ITEMS.map(([cls, name]) => ({ class: cls, name })),
    relations: RELATIONS.map(([from, type, to]) => ({
      type,
      from: { class: classOf.get(from)!, identifiers: { name: from } },
      to: { class: classOf.get(to)!, identifiers: { name: to } },
    })),
  };
  expect((await h.services.imports.importCMDB(ADMIN, data)).rejected).toEqual([]);
  ids = Object.fromEntries(
    (await h.cypher('MATCH (n:CI) RETURN n.name AS name, n.id AS id')).map((r) => [r.name, r.id]),
  );
  const update = `mutation ($i: UpdateCIInput!) { updateCI(input: $i) { revision } }`;
  await h.ok(update, { i: { id: ids.lun, expectedRevision: 1, attributes: { usedPercent: 97 } } });
  await h.ok(update, { i: { id: ids['decoy-switch'], expectedRevision: 1, attributes: { model: 'Cisco 3750' } } });
});
afterAll(async () => h.close());

const RC = `query ($input: RootCauseInput!) {
  rootCauseCandidates(input: $input) {
    ci { name } score inCover explains { name } evidence
    paths { symptom { name } path { name } types }
    recentChanges { actor operation after }
  }
}`;

async function candidates(symptoms: string[], since = '2000-01-01T00:00:00Z'): Promise<any[]> {
  return (await h.ok(RC, { input: { ciIds: symptoms.map((s) => ids[s]), since } })).rootCauseCandidates;
}

describe('rootCauseCandidates', () => {
  it('with two symptoms, ranks the nearest shared dependency first when nothing changed, and the decoy below', async () => {
    const list = await candidates(['app1', 'app3'], new Date(Date.now() + 60_000).toISOString());
    const names = list.map((c) => c.ci.name);
    // db1 and lun both explain app1 and app3; with no recent change counted, db1 (one hop from each) beats lun (two).
    expect(names.slice(0, 2)).toEqual(['db1', 'lun']);
    expect(list[0]).toMatchObject({ inCover: true, explains: [{ name: 'app1' }, { name: 'app3' }] });
    // The decoy switch explains only app1: it ranks after every candidate that explains both.
    const decoy = names.indexOf('decoy-switch');
    expect(decoy).toBeGreaterThan(1);
    expect(list[decoy].explains).toEqual([{ name: 'app1' }]);
  });

  it('puts a shared dependency that changed recently ahead of a nearer one that did not', async () => {
    const list = await candidates(['app1', 'app3']);
    expect(list.map((c) => c.ci.name).slice(0, 2)).toEqual(['lun', 'db1']);
    // The decoy changed recently too, but explains one symptom of two: still below both.
    expect(list.map((c) => c.ci.name).indexOf('decoy-switch')).toBeGreaterThan(1);
  });

  it('with three symptoms, the LUN alone explains all of them and is the smallest cover', async () => {
    const list = await candidates(['app1', 'app2', 'app3']);
    expect(list[0].ci.name).toBe('lun');
    expect(list[0].explains.map((c: any) => c.name).sort()).toEqual(['app1', 'app2', 'app3']);
    expect(list.filter((c) => c.inCover).map((c) => c.ci.name)).toEqual(['lun']);
    expect(list.find((c) => c.ci.name === 'db1')).toMatchObject({ inCover: false });
  });

  it('carries evidence a person can check: the paths and the recent change', async () => {
    const lun = (await candidates(['app1', 'app2', 'app3'])).find((c) => c.ci.name === 'lun');
    expect(lun.paths.find((p: any) => p.symptom.name === 'app2')).toEqual({
      symptom: { name: 'app2' },
      path: [{ name: 'app2' }, { name: 'db2' }, { name: 'lun' }],
      types: ['DEPENDS_ON', 'STORED_ON'],
    });
    expect(lun.evidence[0]).toBe('explains 3 of 3 symptoms: app1, app2, app3');
    expect(lun.evidence).toContain('app2 → lun in 2 hop(s): app2 -DEPENDS_ON- db2 -STORED_ON- lun');
    expect(lun.evidence.join('\n')).toMatch(/changed 1 time\(s\) since .*updateCI by test-editor/);
    expect(lun.recentChanges).toEqual([
      { actor: 'test-editor', operation: 'updateCI', after: { 'attributes.usedPercent': 97 } },
    ]);
  });

  it('counts only changes since the given moment', async () => {
    const lun = (await candidates(['app1', 'app2'], new Date(Date.now() + 60_000).toISOString())).find(
      (c) => c.ci.name === 'lun',
    );
    expect(lun.recentChanges).toEqual([]);
    expect(lun.evidence.join('\n')).toMatch(/no configuration change recorded since/);
  });

  it('with symptoms on unrelated branches, covers them with more than one candidate', async () => {
    const list = await candidates(['vm1', 'app2']);
    // vm1 relies on esx1; app2 on db2 and lun: nothing explains both, so the cover needs two candidates.
    expect(list.filter((c) => c.inCover)).toHaveLength(2);
    expect(list.every((c) => c.explains.length === 1)).toBe(true);
  });

  it('refuses unknown symptoms, naming the field', async () => {
    const result = await h.gql(RC, { input: { ciIds: [ids.app1, 'nope'] } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ciIds[1]' });
  });
});

describe('changeImpact', () => {
  it('returns the impact of the window and no conflicts while no other change is scheduled', async () => {
    const data = await h.ok(
      `query ($input: ChangeImpactInput!) { changeImpact(input: $input) { impact { affectedCIs { ci { name } state } } conflicts { changeId } } }`,
      { input: { ciIds: [ids.db1], window: { start: '2026-12-01T22:00:00Z', end: '2026-12-02T02:00:00Z' } } },
    );
    expect(data.changeImpact.impact.affectedCIs.map((a: any) => a.ci.name).sort()).toEqual(['app1', 'app3', 'db1']);
    expect(data.changeImpact.conflicts).toEqual([]);
  });

  it('reports a scheduled change whose window overlaps and that modifies an affected CI', async () => {
    // Written by hand in the service desk's storage shape, so this test pins the query's contract with it.
    await h.cypher(
      `MATCH (ci:CI {name: 'app3'})
       CREATE (c:Change {id: 'chg-1', number: 'CHG0001', title: 'Patch app3', status: 'SCHEDULED',
                         plannedStart: datetime('2026-12-01T23:00:00Z'), plannedEnd: datetime('2026-12-02T01:00:00Z')})-[:MODIFIES]->(ci)`,
    );
    const q = `query ($input: ChangeImpactInput!) { changeImpact(input: $input) { conflicts { changeId number reason } } }`;
    const overlapping = await h.ok(q, {
      input: { ciIds: [ids.db1], window: { start: '2026-12-01T22:00:00Z', end: '2026-12-02T02:00:00Z' } },
    });
    expect(overlapping.changeImpact.conflicts).toEqual([
      { changeId: 'chg-1', number: 'CHG0001', reason: 'modifies app3, which this change takes DOWN' },
    ]);
    const later = await h.ok(q, {
      input: { ciIds: [ids.db1], window: { start: '2026-12-03T22:00:00Z', end: '2026-12-04T02:00:00Z' } },
    });
    expect(later.changeImpact.conflicts).toEqual([]);
    const bad = await h.gql(q, {
      input: { ciIds: [ids.db1], window: { start: '2026-12-04T02:00:00Z', end: '2026-12-03T22:00:00Z' } },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.window.end' });
    await h.cypher("MATCH (c:Change {id: 'chg-1'}) DETACH DELETE c");
  });
});
