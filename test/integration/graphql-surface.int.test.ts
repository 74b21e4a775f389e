/**
 * The Relay surface: every record with an id is a Node that `node(id:)` and `nodes(ids:)` refetch, list fields that
 * grow are connections with opaque cursors, and enum values are upper case.
 */
import type { Actor } from '../../src/shared/write';
import { codeOf, createHarness, type Harness } from '../helpers/harness';

const AGENT: Actor = { id: 'agent@desk', roles: ['agent'] };

let h: Harness;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  ids.ci = (
    await h.ok(`mutation { createCI(input: {class: "Server", name: "lon-db01", status: LIVE}) { id } }`)
  ).createCI.id;
  for (const [name, orgType] of [
    ['Channel Sport Media', 'CUSTOMER'],
    ['Quova', 'SUPPLIER'],
    ['Ioko', 'INTERNAL'],
    ['Sportsline', 'CUSTOMER'],
    ['Geo Media', 'CUSTOMER'],
  ] as const) {
    ids[name] = (
      await h.ok(`mutation ($i: CreateOrganizationInput!) { createOrganization(input: $i) { id orgType } }`, {
        i: { name, orgType },
      })
    ).createOrganization.id;
  }
  for (const name of ['Storage', 'Database', 'Networks'])
    ids[name] = (
      await h.ok(`mutation ($n: String!) { createGroup(input: {name: $n}) { id } }`, { n: name })
    ).createGroup.id;
  ids.incident = (
    await h.ok(
      `mutation ($i: LogIncidentInput!) { logIncident(input: $i) { id } }`,
      { i: { shortDescription: 'lon-db01 is slow', ciIds: [ids.ci], impact: 'LOW', urgency: 'NORMAL' } },
      AGENT,
    )
  ).logIncident.id;
  ids.baseline = (
    await h.ok(`mutation { createBaseline(input: {name: "Q4", scope: {all: true}}) { id } }`)
  ).createBaseline.id;
});
afterAll(async () => {
  await h.close();
});

const NODE = `query ($id: ID!) { node(id: $id) { __typename id
  ... on CI { name status } ... on Organization { name orgType } ... on Group { name } ... on Baseline { name } ... on Incident { number incidentStatus: status affectedCIs { name } } } }`;

describe('Node', () => {
  it('node(id:) refetches a CI, an incident, an organization, a group and a baseline by the id they carry', async () => {
    expect((await h.ok(NODE, { id: ids.incident })).node).toEqual({
      __typename: 'Incident',
      id: ids.incident,
      number: 'INC0000001',
      incidentStatus: 'NEW',
      affectedCIs: [{ name: 'lon-db01' }],
    });
    expect((await h.ok(NODE, { id: ids.ci })).node).toEqual({
      __typename: 'CI',
      id: ids.ci,
      name: 'lon-db01',
      status: 'LIVE',
    });
    expect((await h.ok(NODE, { id: ids.Quova })).node).toEqual({
      __typename: 'Organization',
      id: ids.Quova,
      name: 'Quova',
      orgType: 'SUPPLIER',
    });
    expect((await h.ok(NODE, { id: ids.Storage })).node).toEqual({
      __typename: 'Group',
      id: ids.Storage,
      name: 'Storage',
    });
    expect((await h.ok(NODE, { id: ids.baseline })).node).toEqual({
      __typename: 'Baseline',
      id: ids.baseline,
      name: 'Q4',
    });
  });

  it('node(id:) is null for an id no record has', async () => {
    expect((await h.ok(NODE, { id: '00000000-0000-4000-8000-000000000000' })).node).toBeNull();
  });

  it('nodes(ids:) answers in the order asked, null where an id is unknown, in four statements', async () => {
    const asked = [ids.Ioko, 'no-such-id', ids.ci, ids.incident, ids.baseline, ids.Ioko];
    const before = h.db.counter.count;
    const data = await h.ok(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: asked });
    expect(data.nodes).toEqual([
      { __typename: 'Organization', id: ids.Ioko },
      null,
      { __typename: 'CI', id: ids.ci },
      { __typename: 'Incident', id: ids.incident },
      { __typename: 'Baseline', id: ids.baseline },
      { __typename: 'Organization', id: ids.Ioko },
    ]);
    // One statement finds the types, then one per owning module: the entities (batched), the ticket, the baseline.
    expect(h.db.counter.count - before).toBe(4);
  });
});

const ORGS = `query ($first: Int, $after: String, $filter: OrganizationFilter) {
  organizationsConnection(first: $first, after: $after, filter: $filter) {
    edges { cursor node { name orgType } } pageInfo { hasNextPage hasPreviousPage endCursor } totalCount } }`;

describe('connections of organizations and groups', () => {
  it('pages through organizations oldest first with after cursors, and counts them', async () => {
    const first = (await h.ok(ORGS, { first: 2 })).organizationsConnection;
    expect(first.edges.map((e: any) => e.node.name)).toEqual(['Channel Sport Media', 'Quova']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);
    expect(first.totalCount).toBe(5);
    const second = (await h.ok(ORGS, { first: 2, after: first.pageInfo.endCursor })).organizationsConnection;
    expect(second.edges.map((e: any) => e.node.name)).toEqual(['Ioko', 'Sportsline']);
    const last = (await h.ok(ORGS, { first: 2, after: second.pageInfo.endCursor })).organizationsConnection;
    expect(last.edges.map((e: any) => e.node.name)).toEqual(['Geo Media']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('filters organizations by type (upper-case enum values) and name', async () => {
    const customers = (await h.ok(ORGS, { filter: { orgType: 'CUSTOMER', nameContains: 'MEDIA' } }))
      .organizationsConnection;
    expect(customers.edges.map((e: any) => e.node)).toEqual([
      { name: 'Channel Sport Media', orgType: 'CUSTOMER' },
      { name: 'Geo Media', orgType: 'CUSTOMER' },
    ]);
    expect(customers.totalCount).toBe(2);
    const old = await h.ok(`{ organizations(orgType: INTERNAL) { name orgType } }`);
    expect(old.organizations).toEqual([{ name: 'Ioko', orgType: 'INTERNAL' }]);
  });

  it('pages through groups', async () => {
    const q = `query ($after: String) { groupsConnection(first: 2, after: $after) {
      edges { node { name } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await h.ok(q)).groupsConnection;
    const second = (await h.ok(q, { after: first.pageInfo.endCursor })).groupsConnection;
    expect([...first.edges, ...second.edges].map((e: any) => e.node.name)).toEqual(['Storage', 'Database', 'Networks']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses first above 500 naming `first`, and a cursor it did not issue naming `after`', async () => {
    const tooMany = await h.gql(ORGS, { first: 501 });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.extensions?.field).toBe('first');
    const forged = await h.gql(ORGS, { after: 'bm90IGEgY3Vyc29y' });
    expect(codeOf(forged)).toBe('BAD_USER_INPUT');
    expect(forged.errors?.[0]?.extensions?.field).toBe('after');
  });

  it('marks the old lists deprecated', async () => {
    const data = await h.ok(`{ __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated } } }`);
    const deprecated = data.__type.fields.filter((f: any) => f.isDeprecated).map((f: any) => f.name);
    expect(deprecated).toEqual(
      expect.arrayContaining([
        'organizations',
        'groups',
        'incidents',
        'problems',
        'knownErrors',
        'changes',
        'releases',
      ]),
    );
  });
});
