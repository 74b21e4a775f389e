/**
 * The read policy and the customer write guard: two customer organizations A and B, each subscribing to its own
 * service, with an incident affecting each. Customer A reads none of B's tickets by any road (lists, connections,
 * by id, by number, node(id)), no work notes and no people's emails, and cannot comment on or close B's ticket; the
 * agent reads everything.
 */
import type { Principal } from '../../src/shared/auth';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
const AGENT: Principal = { id: 'agent@desk', roles: ['agent'], kind: 'user', organizationId: null };
const VIEWER: Principal = { id: 'viewer@desk', roles: ['viewer'], kind: 'user', organizationId: null };
let CUSTOMER_A: Principal;
let CUSTOMER_B: Principal;
const ids = {
  srvA: '',
  srvB: '',
  orgA: '',
  orgB: '',
  svcA: '',
  svcB: '',
  person: '',
  incA: '',
  incB: '',
  numA: '',
  numB: '',
};

async function ci(cls: string, name: string): Promise<string> {
  const d = await h.ok(`mutation($i: CreateCIInput!) { createCI(input: $i) { id } }`, {
    i: { class: cls, name, status: 'LIVE' },
  });
  return d.createCI.id;
}
async function relate(type: string, fromId: string, toId: string): Promise<void> {
  await h.ok(`mutation($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, { i: { type, fromId, toId } });
}
async function org(name: string): Promise<string> {
  const d = await h.ok(`mutation($n: String!) { createOrganization(input: {name: $n, orgType: CUSTOMER}) { id } }`, {
    n: name,
  });
  return d.createOrganization.id;
}
async function incident(title: string, serverId: string): Promise<{ id: string; number: string }> {
  const d = await h.ok(
    `mutation($i: LogIncidentInput!) { logIncident(input: $i) { id number } }`,
    { i: { shortDescription: title, impact: 'LOW', urgency: 'NORMAL', ciIds: [serverId], callerId: ids.person } },
    AGENT,
  );
  return d.logIncident;
}
const NOTE = `mutation($i: AddNoteInput!) { addNote(input: $i) { kind text } }`;
const TRANSITION = `mutation($i: TransitionTicketInput!) { transitionIncident(input: $i) { status } }`;

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  const srvA = (ids.srvA = await ci('Server', 'srv-a'));
  const srvB = (ids.srvB = await ci('Server', 'srv-b'));
  ids.svcA = await ci('Service', 'Service A');
  ids.svcB = await ci('Service', 'Service B');
  await relate('DEPENDS_ON', ids.svcA, srvA);
  await relate('DEPENDS_ON', ids.svcB, srvB);
  ids.orgA = await org('Org A');
  ids.orgB = await org('Org B');
  await relate('SUBSCRIBES_TO', ids.orgA, ids.svcA);
  await relate('SUBSCRIBES_TO', ids.orgB, ids.svcB);
  ids.person = (
    await h.ok(`mutation { createPerson(input: {name: "Pat Caller", email: "pat@example.org"}) { id } }`)
  ).createPerson.id;
  CUSTOMER_A = { id: 'a@org-a', roles: ['customer'], kind: 'user', organizationId: ids.orgA };
  CUSTOMER_B = { id: 'b@org-b', roles: ['customer'], kind: 'user', organizationId: ids.orgB };
  const a = await incident('A cannot log in', srvA);
  const b = await incident('B cannot print', srvB);
  Object.assign(ids, { incA: a.id, numA: a.number, incB: b.id, numB: b.number });
  for (const id of [a.id, b.id]) {
    await h.ok(NOTE, { i: { ticketId: id, kind: 'WORK_NOTE', text: 'internal: suspect the firewall' } }, AGENT);
    await h.ok(NOTE, { i: { ticketId: id, kind: 'COMMENT', text: 'we are on it' } }, AGENT);
    await h.ok(TRANSITION, { i: { id, to: 'COMPLETED', completionCode: 'FIXED' } }, AGENT);
  }
});

afterAll(async () => {
  await h?.close();
});

const READ = `query($a: ID!, $b: ID!, $na: String!, $nb: String!) {
  incidents(first: 50) { id }
  incidentsConnection(first: 50) { edges { node { id } } }
  a: incident(id: $a) { id workNotes { text } comments { text } caller { name } affectedCustomers { customer { id } } }
  b: incident(id: $b) { id }
  ra: ticketByNumber(number: $na) { id }
  rb: ticketByNumber(number: $nb) { id }
  na: node(id: $a) { id }
  nb: node(id: $b) { id }
  organizations { id }
}`;

async function read(actor: Principal): Promise<Record<string, any>> {
  return h.ok(READ, { a: ids.incA, b: ids.incB, na: ids.numA, nb: ids.numB }, actor);
}

describe('reads', () => {
  test('the agent reads both organizations, work notes and emails', async () => {
    const d = await read(AGENT);
    expect(d.incidents.map((i: any) => i.id).sort()).toEqual([ids.incA, ids.incB].sort());
    expect(d.incidentsConnection.edges).toHaveLength(2);
    expect(d.b).toEqual({ id: ids.incB });
    expect(d.rb).toEqual({ id: ids.incB });
    expect(d.nb).toEqual({ id: ids.incB });
    expect(d.a.workNotes).toEqual([{ text: 'internal: suspect the firewall' }]);
    expect(d.organizations.map((o: any) => o.id).sort()).toEqual([ids.orgA, ids.orgB].sort());
    const p = await h.ok(`query($id: ID!) { person(id: $id) { email } }`, { id: ids.person }, AGENT);
    expect(p.person.email).toBe('pat@example.org');
  });

  test("customer A sees its own ticket without work notes, and nothing of B's", async () => {
    const d = await read(CUSTOMER_A);
    expect(d).toEqual({
      incidents: [{ id: ids.incA }],
      incidentsConnection: { edges: [{ node: { id: ids.incA } }] },
      a: {
        id: ids.incA,
        workNotes: [],
        comments: [{ text: 'we are on it' }],
        caller: { name: 'Pat Caller' },
        affectedCustomers: [{ customer: { id: ids.orgA } }],
      },
      b: null,
      ra: { id: ids.incA },
      rb: null,
      na: { id: ids.incA },
      nb: null,
      organizations: [{ id: ids.orgA }],
    });
    expect(JSON.stringify(d)).not.toContain(ids.incB);
    expect(JSON.stringify(d)).not.toContain(ids.orgB);
  });

  test('customer B sees the mirror image', async () => {
    const d = await read(CUSTOMER_B);
    expect(d.incidents).toEqual([{ id: ids.incB }]);
    expect(d.a).toBeNull();
    expect(d.ra).toBeNull();
    expect(d.na).toBeNull();
    expect(d.b).toEqual({ id: ids.incB });
  });

  test("a customer and a viewer read no person's email; the email is FORBIDDEN, the name answers", async () => {
    for (const actor of [CUSTOMER_A, VIEWER]) {
      const r = await h.gql(`query($id: ID!) { person(id: $id) { name attributes email } }`, { id: ids.person }, actor);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(r.errors?.[0]?.path).toEqual(['person', 'email']);
      expect(JSON.stringify(r.data)).not.toContain('pat@example.org');
    }
  });

  test('the viewer reads every ticket (a provider-side role)', async () => {
    const d = await read(VIEWER);
    expect(d.incidents).toHaveLength(2);
    expect(d.a.workNotes).toHaveLength(1);
  });

  test('a connection does not count other organizations for a customer', async () => {
    const r = await h.gql(`{ incidentsConnection { totalCount } }`, {}, CUSTOMER_A);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(r.data ?? null)).not.toContain('2');
  });

  test('impact analysis names only the reader organization among affected customers', async () => {
    const srvs = [ids.srvA, ids.srvB];
    const query = `query($ids: [ID!]!) { impactAnalysis(input: {ciIds: $ids}) { affectedCustomers { customer { id } } } }`;
    const all = await h.ok(query, { ids: srvs }, AGENT);
    expect(all.impactAnalysis.affectedCustomers.map((c: any) => c.customer.id).sort()).toEqual(
      [ids.orgA, ids.orgB].sort(),
    );
    const mine = await h.ok(query, { ids: srvs }, CUSTOMER_A);
    expect(mine.impactAnalysis.affectedCustomers).toEqual([{ customer: { id: ids.orgA } }]);
  });

  test('an in-process call with no actor sees no ticket', async () => {
    const d = await h.ok(`query($b: ID!) { incidents { id } incident(id: $b) { id } }`, { b: ids.incB }, null);
    expect(d).toEqual({ incidents: [], incident: null });
  });
});

describe('customer writes', () => {
  test("customer A cannot comment on or close B's ticket; B can", async () => {
    const comment = await h.gql(NOTE, { i: { ticketId: ids.incB, kind: 'COMMENT', text: 'hello' } }, CUSTOMER_A);
    expect(comment.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(comment.data).toBeNull();
    const close = await h.gql(
      TRANSITION,
      { i: { id: ids.incB, to: 'CLOSED', customerAgreement: 'A says fine' } },
      CUSTOMER_A,
    );
    expect(close.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reopen = await h.gql(TRANSITION, { i: { id: ids.incB, to: 'ACCEPTED' } }, CUSTOMER_A);
    expect(reopen.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const still = await h.ok(`query($id: ID!) { incident(id: $id) { status comments { text } } }`, { id: ids.incB });
    expect(still.incident).toEqual({ status: 'COMPLETED', comments: [{ text: 'we are on it' }] });

    await h.ok(NOTE, { i: { ticketId: ids.incB, kind: 'COMMENT', text: 'thanks' } }, CUSTOMER_B);
    const closed = await h.ok(
      TRANSITION,
      { i: { id: ids.incB, to: 'CLOSED', customerAgreement: 'B agreed' } },
      CUSTOMER_B,
    );
    expect(closed.transitionIncident.status).toBe('CLOSED');
  });
});
