import { demoDataset, loadDemo } from '../../seed/demo';
import { syntheticDataset } from '../../seed/synthetic';
import { ADMIN, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.reset();
});
afterAll(async () => h.close());

describe('demo CMDB (the media company of the seed story)', () => {
  it('loads through the import path with nothing rejected, and a second load changes nothing', async () => {
    const first = await loadDemo(h.services);
    expect(first.rejected).toEqual([]);
    expect(first.created).toBe(demoDataset().items.length);
    const second = await loadDemo(h.services);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: first.created, relationsCreated: 0 });
  });

  it('can be queried: the licence web service depends on the Quova Geo-IP service, which the customer subscribes to', async () => {
    const data = await h.ok(
      `{ cis(filter: {classes: ["Application"], nameContains: "licence web"}) { edges { node { name relationships(direction: OUTGOING, types: [DEPENDS_ON]) { ci { name class } } } } } }`,
    );
    const app = data.cis.edges[0].node;
    expect(app.name).toBe('Licence Web Service');
    expect(app.relationships.map((r: any) => r.ci.name)).toContain('Quova Geo-IP Service');
    const geo = await h.ok(
      `{ cis(filter: {nameContains: "Quova Geo-IP Service"}) { edges { node { subscribers { name orgType } supportGroups { name } } } } }`,
    );
    expect(geo.cis.edges[0].node.subscribers).toEqual(
      expect.arrayContaining([{ name: 'Channel Sport Media', orgType: 'CUSTOMER' }]),
    );
  });

  it('holds the SQL Server LUN at 88% and the people of the story in their time zones', async () => {
    const lun = await h.ok(
      `{ cis(filter: {classes: ["StorageVolume"], attributes: {usedPercent: 88}}) { edges { node { name attributes relationships(direction: INCOMING, types: [STORED_ON]) { ci { class } } } } } }`,
    );
    expect(lun.cis.edges).toHaveLength(1);
    expect(lun.cis.edges[0].node.attributes.storageType).toBe('san_lun');
    expect(lun.cis.edges[0].node.relationships.map((r: any) => r.ci.class)).toContain('Database');
    const people = await h.cypher(
      "MATCH (p:Person) WHERE p.name STARTS WITH 'Ray' OR p.name STARTS WITH 'Joe' RETURN p.name AS name, p.a_timezone AS tz ORDER BY name",
    );
    expect(people.map((p) => p.tz)).toEqual(['Europe/London', 'America/Los_Angeles']);
  });
});

describe('synthetic generator', () => {
  it('is deterministic for a seed and builds about five relationships per CI', () => {
    const a = syntheticDataset(2000, 3);
    expect(syntheticDataset(2000, 3)).toEqual(a);
    expect(syntheticDataset(2000, 4)).not.toEqual(a);
    const cis = a.items.filter((i) => !['Organization', 'Group', 'Person'].includes(i.class)).length;
    expect(cis).toBe(2000);
    const perCi = (a.relations?.length ?? 0) / cis;
    expect(perCi).toBeGreaterThan(4);
    expect(perCi).toBeLessThan(6);
  });

  it('imports without rejections', async () => {
    await h.reset();
    const result = await h.services.imports.importCMDB(ADMIN, syntheticDataset(1500, 1));
    expect(result.rejected).toEqual([]);
    expect(result.created).toBe(syntheticDataset(1500, 1).items.length);
  });
});
