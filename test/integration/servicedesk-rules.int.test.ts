/**
 * Every service-desk rule refuses what it must refuse, with an error that names the field and the rule; and the
 * automatic behaviours (priority matrix, repeat incidents, suggestions, unauthorized CMDB edits, conflicts) hold.
 * Small graphs built here; expected answers written out by hand.
 */
import type { Actor } from '../../src/shared/write';
import { ADMIN, EDITOR, VIEWER, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
const AGENT: Actor = { id: 'agent@desk', roles: ['agent'] };
const CUSTOMER: Actor = { id: 'cust@client', roles: ['customer'] };
const CM: Actor = { id: 'cm@desk', roles: ['change-manager'] };
const ids = {
  san: '',
  lun: '',
  db: '',
  app: '',
  svc: '',
  other: '',
  org: '',
  group: '',
  other_group: '',
  alice: '',
  bob: '',
};

async function ci(
  cls: string,
  name: string,
  attributes: Record<string, unknown> = {},
  status = 'LIVE',
): Promise<string> {
  const d = await h.ok(`mutation($i: CreateCIInput!) { createCI(input: $i) { id } }`, {
    i: { class: cls, name, status, attributes },
  });
  return d.createCI.id;
}
async function relate(type: string, fromId: string, toId: string): Promise<void> {
  await h.ok(`mutation($i: RelateCIsInput!) { relateCIs(input: $i) { type } }`, { i: { type, fromId, toId } });
}
async function incident(input: Record<string, unknown>, actor: Actor = AGENT): Promise<any> {
  return (
    await h.ok(
      `mutation($i: LogIncidentInput!) { logIncident(input: $i) { id number status priority problems { id number origin } } }`,
      { i: { impact: 'LOW', urgency: 'NORMAL', ...input } },
      actor,
    )
  ).logIncident;
}
async function err(
  query: string,
  variables: Record<string, unknown>,
  actor: Actor = AGENT,
): Promise<{ message: string; code: unknown; field: unknown }> {
  const r = await h.gql(query, variables, actor);
  const e = r.errors?.[0];
  if (!e) throw new Error(`expected an error from ${query}`);
  return { message: e.message, code: e.extensions?.code, field: e.extensions?.field };
}
const TRANSITION = `mutation($i: TransitionTicketInput!) { transitionIncident(input: $i) { status } }`;

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  // san → lun → db → app instance; the app serves a service a customer subscribes to.
  ids.san = await ci('Server', 'san-01');
  ids.lun = await ci('StorageVolume', 'lun-01');
  ids.db = await ci('Database', 'db-01');
  ids.app = await ci('Application', 'billing');
  ids.svc = await ci('Service', 'Billing Service');
  ids.other = await ci('Server', 'srv-other');
  await relate('DEPENDS_ON', ids.lun, ids.san);
  await relate('STORED_ON', ids.db, ids.lun);
  await relate('DEPENDS_ON', ids.app, ids.db);
  await relate('DEPENDS_ON', ids.svc, ids.app);
  ids.org = (
    await h.ok(`mutation { createOrganization(input: {name: "Client", orgType: CUSTOMER}) { id } }`)
  ).createOrganization.id;
  await relate('SUBSCRIBES_TO', ids.org, ids.svc);
  ids.group = (await h.ok(`mutation { createGroup(input: {name: "Desk"}) { id } }`)).createGroup.id;
  ids.other_group = (await h.ok(`mutation { createGroup(input: {name: "Other"}) { id } }`)).createGroup.id;
  ids.alice = (
    await h.ok(`mutation { createPerson(input: {name: "Alice", email: "agent@desk"}) { id } }`)
  ).createPerson.id;
  ids.bob = (await h.ok(`mutation { createPerson(input: {name: "Bob", email: "bob@desk"}) { id } }`)).createPerson.id;
  await relate('MEMBER_OF_GROUP', ids.alice, ids.group);
  await relate('MEMBER_OF_GROUP', ids.bob, ids.other_group);
});
afterAll(async () => h.close());

describe('incidents', () => {
  it('takes the priority from the configurable matrix (seed 002 diagonal by default)', async () => {
    const p =
      await h.ok(`{ a: priorityFor(impact: SEVERE, urgency: IMMEDIATE) b: priorityFor(impact: HIGH, urgency: CRITICAL) c: priorityFor(impact: MEDIUM, urgency: URGENT)
      d: priorityFor(impact: LOW, urgency: NORMAL) e: priorityFor(impact: NONE, urgency: NEGOTIATED) f: priorityFor(impact: SEVERE, urgency: CRITICAL) }`);
    expect(p).toEqual({ a: 0, b: 1, c: 2, d: 3, e: 4, f: 1 });
    const bad = await err(
      `mutation($i: ServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { repeatIncidentThreshold } }`,
      { i: { priorityMatrix: [[0, 1, 2, 3, 9]] } },
      ADMIN,
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.message).toMatch(/input.priorityMatrix.*(5 rows|0 … 4)/);
    const refused = await err(
      `mutation($i: ServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { repeatIncidentThreshold } }`,
      { i: { repeatIncidentThreshold: 5 } },
      AGENT,
    );
    expect(refused.code).toBe('FORBIDDEN');
    const matrix = [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0, 0]);
    await h.ok(
      `mutation($i: ServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { priorityMatrix } }`,
      { i: { priorityMatrix: matrix } },
      ADMIN,
    );
    expect((await incident({ shortDescription: 'all P0 now' })).priority).toBe(0);
    await h.ok(
      `mutation($i: ServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { priorityMatrix } }`,
      {
        i: {
          priorityMatrix: [
            [0, 1, 1, 2, 2],
            [1, 1, 2, 2, 3],
            [1, 2, 2, 3, 3],
            [2, 2, 3, 3, 4],
            [2, 3, 3, 4, 4],
          ],
        },
      },
      ADMIN,
    );
  });

  it('refuses bad references and anonymous or viewer writes', async () => {
    expect(
      (
        await err(`mutation($i: LogIncidentInput!) { logIncident(input: $i) { id } }`, {
          i: { shortDescription: 'x', impact: 'LOW', urgency: 'NORMAL', serviceId: ids.db },
        })
      ).message,
    ).toBe(`input.serviceId: ${ids.db} is a Database; expected Service or BusinessService`);
    expect(
      (
        await err(`mutation($i: LogIncidentInput!) { logIncident(input: $i) { id } }`, {
          i: { shortDescription: '', impact: 'LOW', urgency: 'NORMAL' },
        })
      ).field,
    ).toBe('input.shortDescription');
    expect(
      (
        await err(
          `mutation($i: LogIncidentInput!) { logIncident(input: $i) { id } }`,
          { i: { shortDescription: 'x', impact: 'LOW', urgency: 'NORMAL' } },
          VIEWER,
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await err(
          `mutation($i: LogIncidentInput!) { logIncident(input: $i) { id } }`,
          { i: { shortDescription: 'x', impact: 'LOW', urgency: 'NORMAL' } },
          null as never,
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
  });

  it('allows only legal transitions, naming the legal ones, and asks each status for what it needs', async () => {
    const inc = await incident({ shortDescription: 'printer on fire', ciIds: [ids.other] });
    expect(inc.status).toBe('NEW');
    const illegal = await err(TRANSITION, { i: { id: inc.id, to: 'ACCEPTED' } });
    expect(illegal).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.to' });
    expect(illegal.message).toContain('cannot go from NEW to ACCEPTED; from NEW it can go to ASSIGNED, COMPLETED');
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'ASSIGNED' } })).message).toMatch(/assign a group first/);
    const notMember = await err(`mutation($i: AssignInput!) { assignIncident(input: $i) { id } }`, {
      i: { id: inc.id, groupId: ids.group, assigneeId: ids.bob },
    });
    expect(notMember).toMatchObject({
      field: 'input.assigneeId',
      message: `input.assigneeId: ${ids.bob} is not a member of group ${ids.group}`,
    });
    await h.ok(`mutation($i: AssignInput!) { assignIncident(input: $i) { status } }`, {
      i: { id: inc.id, groupId: ids.group },
    });
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'ACCEPTED' } })).message).toMatch(/assign a person first/);
    await h.ok(`mutation($i: AssignInput!) { assignIncident(input: $i) { status } }`, {
      i: { id: inc.id, groupId: ids.group, assigneeId: ids.alice },
    });
    await h.ok(TRANSITION, { i: { id: inc.id, to: 'ACCEPTED' } });
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'PENDING' } })).field).toBe('input.pendingReason');
    await h.ok(TRANSITION, {
      i: { id: inc.id, to: 'PENDING', pendingReason: 'part shipped, receipt not acknowledged' },
    });
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'COMPLETED' } })).field).toBe('input.completionCode');
    expect(
      (await err(TRANSITION, { i: { id: inc.id, to: 'COMPLETED', completionCode: 'FIXED' } }, CUSTOMER)).code,
    ).toBe('FORBIDDEN');
    await h.ok(TRANSITION, { i: { id: inc.id, to: 'COMPLETED', completionCode: 'FIXED' } });
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'CLOSED' } }, CUSTOMER)).field).toBe(
      'input.customerAgreement',
    );
    await h.ok(TRANSITION, { i: { id: inc.id, to: 'CLOSED', customerAgreement: 'agreed by email' } }, CUSTOMER);
    expect((await err(TRANSITION, { i: { id: inc.id, to: 'ACCEPTED' } })).message).toContain(
      'from CLOSED it can go to no other status (final)',
    );
    const notes = await h.ok(`query($id: ID!) { incident(id: $id) { transitions { from to } pendingReason } }`, {
      id: inc.id,
    });
    expect(notes.incident.transitions.map((t: any) => t.to)).toEqual([
      'NEW',
      'ASSIGNED',
      'ACCEPTED',
      'PENDING',
      'COMPLETED',
      'CLOSED',
    ]);
  });

  it('keeps work notes internal and comments for the customer; communications only on major incidents', async () => {
    const inc = await incident({ shortDescription: 'slow billing', ciIds: [ids.app] });
    await h.ok(`mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`, {
      i: { ticketId: inc.id, kind: 'WORK_NOTE', text: 'checked the logs' },
    });
    await h.ok(
      `mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`,
      { i: { ticketId: inc.id, kind: 'COMMENT', text: 'still slow here' } },
      CUSTOMER,
    );
    expect(
      (
        await err(
          `mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`,
          { i: { ticketId: inc.id, kind: 'WORK_NOTE', text: 'x' } },
          CUSTOMER,
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await err(`mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`, {
          i: { ticketId: inc.id, kind: 'COMMUNICATION', text: 'x' },
        })
      ).message,
    ).toMatch(/not one/);
    const got = await h.ok(
      `query($id: ID!) { incident(id: $id) { workNotes { text author } comments { text author } } }`,
      { id: inc.id },
    );
    expect(got.incident).toEqual({
      workNotes: [{ text: 'checked the logs', author: EDITOR.id }],
      comments: [{ text: 'still slow here', author: CUSTOMER.id }],
    });
  });

  it('runs the major incident process: children only under a declared major incident, completed with it', async () => {
    const parent = await incident({
      shortDescription: 'billing down for everyone',
      ciIds: [ids.svc],
      impact: 'HIGH',
      urgency: 'CRITICAL',
    });
    const child = await incident({ shortDescription: 'user A cannot bill', ciIds: [ids.svc] });
    const dup = await incident({ shortDescription: 'user A cannot bill (again)', ciIds: [ids.svc] });
    const link = `mutation($i: LinkIncidentInput!) { linkIncident(input: $i) { parent { number } duplicateOf { number } } }`;
    expect((await err(link, { i: { id: child.id, link: 'CHILD_OF', targetId: parent.id } })).message).toMatch(
      /not a major incident: declare it major first/,
    );
    await h.ok(`mutation($id: ID!) { declareMajorIncident(id: $id) { major } }`, { id: parent.id });
    expect(
      (await h.ok(link, { i: { id: child.id, link: 'CHILD_OF', targetId: parent.id } })).linkIncident.parent,
    ).toEqual({ number: parent.number });
    expect(
      (await h.ok(link, { i: { id: dup.id, link: 'DUPLICATE_OF', targetId: child.id } })).linkIncident.duplicateOf,
    ).toEqual({ number: child.number });
    expect((await err(link, { i: { id: child.id, link: 'DUPLICATE_OF', targetId: dup.id } })).message).toMatch(
      /already a duplicate/,
    );
    await h.ok(`mutation($i: AddNoteInput!) { addNote(input: $i) { id } }`, {
      i: { ticketId: parent.id, kind: 'COMMUNICATION', text: '10:05 update to all customers' },
    });
    await h.ok(`mutation($i: AssignInput!) { assignIncident(input: $i) { status } }`, {
      i: { id: parent.id, groupId: ids.group, assigneeId: ids.alice },
    });
    await h.ok(TRANSITION, { i: { id: parent.id, to: 'COMPLETED', completionCode: 'FIXED' } });
    const got = await h.ok(
      `query($id: ID!) { incident(id: $id) { children { status completionCode } communications { text } duplicates { number } } }`,
      { id: parent.id },
    );
    expect(got.incident.children).toEqual([{ status: 'COMPLETED', completionCode: 'FIXED' }]);
    expect(got.incident.communications.map((c: any) => c.text)).toEqual([
      'major incident declared by test-editor',
      '10:05 update to all customers',
    ]);
  });

  it('suggests related open incidents upstream and downstream, and raises a problem by itself on repeat incidents', async () => {
    const onLun = await incident({ shortDescription: 'lun latency', ciIds: [ids.lun] });
    const onApp = await h.ok(
      `mutation($i: LogIncidentInput!) { logIncident(input: $i) { suggestions { relatedIncidents { incident { number } reason } } } }`,
      { i: { shortDescription: 'db timeouts', ciIds: [ids.db], impact: 'LOW', urgency: 'NORMAL' } },
    );
    expect(onApp.logIncident.suggestions.relatedIncidents).toEqual(
      expect.arrayContaining([{ incident: { number: onLun.number }, reason: 'on lun-01, which db-01 depends on' }]),
    );
    await h.ok(
      `mutation($i: ServiceDeskSettingsInput!) { updateServiceDeskSettings(input: $i) { repeatIncidentThreshold } }`,
      { i: { repeatIncidentThreshold: 3, repeatIncidentWindowHours: 24 } },
      ADMIN,
    );
    const second = await incident({ shortDescription: 'lun latency again', ciIds: [ids.lun] });
    expect(second.problems).toEqual([]);
    const third = await incident({ shortDescription: 'lun latency, third time', ciIds: [ids.lun] });
    expect(third.problems).toHaveLength(1);
    expect(third.problems[0].origin).toBe('REPEAT_INCIDENTS');
    const prb = await h.ok(`query($id: ID!) { problem(id: $id) { title incidents { number } affectedCIs { name } } }`, {
      id: third.problems[0].id,
    });
    expect(prb.problem.incidents.map((i: any) => i.number).sort()).toEqual(
      [onLun.number, second.number, third.number].sort(),
    );
    expect(prb.problem.affectedCIs).toEqual([{ name: 'lun-01' }]);
    const fourth = await incident({ shortDescription: 'lun latency, fourth', ciIds: [ids.lun] });
    expect(fourth.problems.map((p: any) => p.id)).toEqual([third.problems[0].id]);
  });
});

describe('problems and known errors', () => {
  it('needs an owner to investigate, a root cause and a workaround for a known error, a resolution to resolve', async () => {
    const inc = await incident({ shortDescription: 'invoice job fails', ciIds: [ids.app] });
    const p = (
      await h.ok(`mutation($i: CreateProblemInput!) { createProblem(input: $i) { id } }`, {
        i: { title: 'invoice job', incidentIds: [inc.id] },
      })
    ).createProblem;
    const TP = `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status } }`;
    expect((await err(TP, { i: { id: p.id, to: 'KNOWN_ERROR' } })).message).toContain(
      'cannot go from NEW to KNOWN_ERROR; from NEW it can go to INVESTIGATING',
    );
    expect((await err(TP, { i: { id: p.id, to: 'INVESTIGATING' } })).message).toMatch(/set an owner/);
    await h.ok(`mutation($i: UpdateProblemInput!) { updateProblem(input: $i) { id } }`, {
      i: { id: p.id, ownerId: ids.alice },
    });
    await h.ok(TP, { i: { id: p.id, to: 'INVESTIGATING' } });
    expect((await err(TP, { i: { id: p.id, to: 'KNOWN_ERROR' } })).field).toBe('input.rootCause');
    expect((await err(TP, { i: { id: p.id, to: 'KNOWN_ERROR', rootCause: 'cron overlap' } })).field).toBe(
      'input.workaround',
    );
    expect(
      (
        await err(TP, {
          i: {
            id: p.id,
            to: 'KNOWN_ERROR',
            rootCause: 'cron overlap',
            workaround: 'run by hand',
            knownError: { ciClass: 'Nonsense' },
          },
        })
      ).field,
    ).toBe('input.knownError.ciClass');
    await h.ok(TP, {
      i: {
        id: p.id,
        to: 'KNOWN_ERROR',
        rootCause: 'cron overlap',
        workaround: 'run by hand',
        knownError: { ciClass: 'Application', version: '9.9' },
      },
    });
    const kedb = await h.ok(
      `{ byClass: knownErrors(filter: {ciClass: "Application"}) { title ciClass version cis { name } } }`,
    );
    expect(kedb.byClass).toEqual([
      { title: 'invoice job', ciClass: 'Application', version: '9.9', cis: [{ name: 'billing' }] },
    ]);
    expect((await err(TP, { i: { id: p.id, to: 'RESOLVED' } })).field).toBe('input.resolution');
    await h.ok(TP, { i: { id: p.id, to: 'RESOLVED', resolution: 'schedules separated' } });
    const after = await h.ok(`query($id: ID!) { incident(id: $id) { status completionCode } }`, { id: inc.id });
    expect(after.incident).toEqual({ status: 'COMPLETED', completionCode: 'RESOLVED_BY_PROBLEM' });
  });
});

describe('changes', () => {
  const CREATE = `mutation($i: CreateChangeInput!) { createChange(input: $i) { id number risk affectedServices { service { name } } affectedCustomers { customer { name } } } }`;
  const SUBMIT = `mutation($i: SubmitChangeInput!) { submitChange(input: $i) { status } }`;
  const window = { plannedStart: '2031-01-10T20:00:00Z', plannedEnd: '2031-01-10T22:00:00Z' };
  async function planned(type: string, ciIds: string[], w = window): Promise<any> {
    const c = (await h.ok(CREATE, { i: { type, title: `${type} on ${ciIds.length}`, ciIds, ...w } }, CM)).createChange;
    for (const kind of ['RISK_ASSESSMENT', 'TEST_PLAN', 'ROLLBACK_PLAN', 'IMPLEMENTATION_PLAN']) {
      await h.ok(
        `mutation($i: SetWorkOrderInput!) { setWorkOrder(input: $i) { id } }`,
        { i: { changeId: c.id, kind, content: 'written' } },
        CM,
      );
    }
    return c;
  }

  it('assesses risk from impact analysis and names the missing work orders', async () => {
    const c = (await h.ok(CREATE, { i: { type: 'NORMAL', title: 'SAN firmware', ciIds: [ids.san], ...window } }, CM))
      .createChange;
    expect(c.risk).toBe('HIGH');
    expect(c.affectedServices).toEqual([{ service: { name: 'Billing Service' } }]);
    expect(c.affectedCustomers).toEqual([{ customer: { name: 'Client' } }]);
    await h.ok(
      `mutation($i: SetWorkOrderInput!) { setWorkOrder(input: $i) { id } }`,
      { i: { changeId: c.id, kind: 'TEST_PLAN', content: 'lab first' } },
      CM,
    );
    const missing = await err(SUBMIT, { i: { id: c.id, approvers: [{ approver: 'a' }, { approver: 'b' }] } }, CM);
    expect(missing.message).toBe(
      `input.id: change ${c.number} lacks the work order(s) RISK_ASSESSMENT, ROLLBACK_PLAN, IMPLEMENTATION_PLAN: every change carries them`,
    );
    expect(
      (
        await err(
          `mutation($i: SetWorkOrderInput!) { setWorkOrder(input: $i) { id } }`,
          { i: { changeId: c.id, kind: 'AUTHORIZATION', content: 'me' } },
          CM,
        )
      ).field,
    ).toBe('input.kind');
    expect(
      (
        await err(
          CREATE,
          {
            i: {
              type: 'NORMAL',
              title: 'x',
              ciIds: [ids.san],
              plannedStart: '2031-01-10T22:00:00Z',
              plannedEnd: '2031-01-10T20:00:00Z',
            },
          },
          CM,
        )
      ).field,
    ).toBe('input.plannedEnd');
    expect((await err(CREATE, { i: { type: 'NORMAL', title: 'x', ciIds: [] } }, CM)).field).toBe('input.ciIds');
    expect((await err(CREATE, { i: { type: 'NORMAL', title: 'x', ciIds: [ids.san] } }, AGENT)).code).toBe('FORBIDDEN');
  });

  it('needs the CAB (two approvers) for a normal change, one for an emergency, none for a standard change; a rejection stops it', async () => {
    const normal = await planned('NORMAL', [ids.other]);
    expect((await err(SUBMIT, { i: { id: normal.id, approvers: [{ approver: CM.id }] } }, CM)).message).toMatch(
      /needs at least 2 named approver\(s\) \(the CAB\); got 1/,
    );
    await h.ok(SUBMIT, { i: { id: normal.id, approvers: [{ approver: CM.id }, { approver: CUSTOMER.id }] } }, CM);
    expect(
      (
        await err(
          `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
          { i: { id: normal.id, comment: 'ok' } },
          AGENT,
        )
      ).code,
    ).toBe('FORBIDDEN');
    const rejected = await h.ok(
      `mutation($i: ApprovalDecisionInput!) { rejectChange(input: $i) { status comments { text } } }`,
      { i: { id: normal.id, comment: 'not during month end' } },
      CUSTOMER,
    );
    expect(rejected.rejectChange.status).toBe('REJECTED');
    expect(
      (
        await err(
          `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
          { i: { id: normal.id, comment: 'ok' } },
          CM,
        )
      ).message,
    ).toMatch(/is REJECTED/);
    expect(
      (await err(`mutation($id: ID!) { scheduleChange(id: $id) { status } }`, { id: normal.id }, CM)).message,
    ).toContain('from REJECTED it can go to no other status');

    const emergency = await planned('EMERGENCY', [ids.other]);
    await h.ok(SUBMIT, { i: { id: emergency.id, approvers: [{ approver: CM.id, role: 'ECAB' }] } }, CM);
    expect(
      (
        await h.ok(
          `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
          { i: { id: emergency.id, comment: 'go' } },
          CM,
        )
      ).approveChange.status,
    ).toBe('AUTHORIZED');

    const standard = await planned('STANDARD', [ids.other]);
    expect((await err(SUBMIT, { i: { id: standard.id, approvers: [{ approver: CM.id }] } }, CM)).field).toBe(
      'input.approvers',
    );
    expect((await h.ok(SUBMIT, { i: { id: standard.id } }, CM)).submitChange.status).toBe('AUTHORIZED');
    expect(
      (await err(`mutation($id: ID!) { startChange(id: $id) { status } }`, { id: standard.id }, CM)).message,
    ).toContain('cannot go from AUTHORIZED to IMPLEMENTING; from AUTHORIZED it can go to SCHEDULED, CANCELLED');
  });

  it('refuses to schedule in a blackout window (an emergency change is warned), and reports overlapping changes as conflicts', async () => {
    const w = { plannedStart: '2031-03-01T20:00:00Z', plannedEnd: '2031-03-01T23:00:00Z' };
    await h.ok(
      `mutation($i: CreateBlackoutWindowInput!) { createBlackoutWindow(input: $i) { id } }`,
      { i: { name: 'Quarter close', start: '2031-03-01T00:00:00Z', end: '2031-03-02T00:00:00Z', ciIds: [ids.svc] } },
      CM,
    );
    const a = await planned('STANDARD', [ids.db], w);
    await h.ok(SUBMIT, { i: { id: a.id } }, CM);
    const blocked = await err(`mutation($id: ID!) { scheduleChange(id: $id) { status } }`, { id: a.id }, CM);
    expect(blocked.code).toBe('CONFLICT');
    expect(blocked.message).toContain('overlaps blackout window(s) Quarter close');
    const e = await planned('EMERGENCY', [ids.app], w);
    await h.ok(SUBMIT, { i: { id: e.id, approvers: [{ approver: CM.id }] } }, CM);
    await h.ok(
      `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
      { i: { id: e.id, comment: 'sev1' } },
      CM,
    );
    const scheduled = await h.ok(
      `mutation($id: ID!) { scheduleChange(id: $id) { status workNotes { text } blackouts { name } conflicts { change { number } reason } } }`,
      { id: e.id },
      CM,
    );
    expect(scheduled.scheduleChange.status).toBe('SCHEDULED');
    expect(scheduled.scheduleChange.blackouts).toEqual([{ name: 'Quarter close' }]);
    expect(scheduled.scheduleChange.workNotes.map((n: any) => n.text).join('\n')).toMatch(
      /inside blackout window\(s\) Quarter close/,
    );
    // a (on db-01) and e (on billing, which depends on db-01) overlap: a takes billing down and both hit the service.
    expect(scheduled.scheduleChange.conflicts).toEqual([
      { change: { number: a.number }, reason: expect.stringContaining('also affects service(s) Billing Service') },
    ]);
    const impact = await h.ok(
      `query($i: ChangeImpactInput!) { changeImpact(input: $i) { conflicts { number reason } } }`,
      { i: { ciIds: [ids.db], window: { start: w.plannedStart, end: w.plannedEnd } } },
    );
    expect(impact.changeImpact.conflicts.map((c: any) => c.number).sort()).toEqual([a.number, e.number].sort());
    expect(impact.changeImpact.conflicts.find((c: any) => c.number === a.number).reason).toContain(
      'modifies the same CI(s) db-01 in an overlapping window',
    );
  });

  it('authorizes CMDB edits only through a change in implementation that modifies the CI; others are flagged unauthorized', async () => {
    const rev = async (id: string) => (await h.ok(`query($id: ID!) { ci(id: $id) { revision } }`, { id })).ci.revision;
    await h.ok(`mutation($i: UpdateCIInput!) { updateCI(input: $i) { id } }`, {
      i: { id: ids.other, expectedRevision: await rev(ids.other), attributes: { cpuCores: 8 } },
    });
    const flagged = await h.ok(
      `query($id: ID!) { ci(id: $id) { unauthorizedChanges { operation actor unauthorized } } cmdbHealth { unauthorizedChanges { count cis { ci { name } detail } } } }`,
      { id: ids.other },
    );
    expect(flagged.ci.unauthorizedChanges).toEqual([{ operation: 'updateCI', actor: EDITOR.id, unauthorized: true }]);
    expect(flagged.cmdbHealth.unauthorizedChanges.count).toBe(1);
    expect(flagged.cmdbHealth.unauthorizedChanges.cis[0].detail).toMatch(
      /1 edit\(s\) without a change record, latest updateCI by test-editor/,
    );

    const c = await planned('STANDARD', [ids.other], {
      plannedStart: '2031-05-01T20:00:00Z',
      plannedEnd: '2031-05-01T21:00:00Z',
    });
    await h.ok(SUBMIT, { i: { id: c.id } }, CM);
    const UPDATE = `mutation($i: UpdateCIInput!) { updateCI(input: $i) { id } }`;
    expect(
      (
        await err(
          UPDATE,
          {
            i: { id: ids.other, expectedRevision: await rev(ids.other), attributes: { cpuCores: 16 }, changeId: c.id },
          },
          EDITOR,
        )
      ).message,
    ).toBe(
      `input.changeId: change ${c.number} is AUTHORIZED: CMDB edits under a change are authorized only while it is IMPLEMENTING (startChange)`,
    );
    await h.ok(`mutation($id: ID!) { scheduleChange(id: $id) { status } }`, { id: c.id }, CM);
    await h.ok(`mutation($id: ID!) { startChange(id: $id) { status } }`, { id: c.id }, CM);
    expect(
      (
        await err(
          UPDATE,
          { i: { id: ids.db, expectedRevision: await rev(ids.db), version: '19c', changeId: c.id } },
          EDITOR,
        )
      ).message,
    ).toMatch(/does not modify/);
    await h.ok(
      UPDATE,
      { i: { id: ids.other, expectedRevision: await rev(ids.other), attributes: { cpuCores: 16 }, changeId: c.id } },
      EDITOR,
    );
    const after = await h.ok(
      `query($id: ID!, $c: ID!) { ci(id: $id) { unauthorizedChanges { revision } } cmdbHealth { unauthorizedChanges { count } } change(id: $c) { cmdbUpdates { changeId unauthorized changes { field after } } } }`,
      { id: ids.other, c: c.id },
    );
    // The unauthorized edit, now superseded by the authorized one, stays on record.
    expect(after.ci.unauthorizedChanges).toHaveLength(1);
    expect(after.cmdbHealth.unauthorizedChanges.count).toBe(1);
    expect(after.change.cmdbUpdates).toEqual([
      { changeId: c.id, unauthorized: false, changes: [{ field: 'attributes.cpuCores', after: 16 }] },
    ]);
    const audit = await h.cypher(
      `MATCH (a:AuditEntry {entityId: $id, operation: 'updateCI'}) RETURN a.changeId AS changeId ORDER BY a.at`,
      { id: ids.other },
    );
    expect(audit.map((a) => a.changeId)).toEqual([null, c.id]);
  });
});

describe('releases and service requests', () => {
  it('moves a release forward only, and not to production without an approved change', async () => {
    const c = (
      await h.ok(
        `mutation($i: CreateChangeInput!) { createChange(input: $i) { id number } }`,
        { i: { type: 'NORMAL', title: 'billing 2.0', ciIds: [ids.app] } },
        CM,
      )
    ).createChange;
    const rel = (
      await h.ok(
        `mutation($i: CreateReleaseInput!) { createRelease(input: $i) { id number } }`,
        { i: { name: 'billing', version: '2.0', pack: ['billing.war'], changeIds: [c.id], ciIds: [ids.app] } },
        AGENT,
      )
    ).createRelease;
    expect(
      (
        await err(`mutation($i: CreateReleaseInput!) { createRelease(input: $i) { id } }`, {
          i: { name: 'x', version: '1', pack: [], changeIds: [c.id], ciIds: [ids.app] },
        })
      ).field,
    ).toBe('input.pack');
    const D = `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { environment } }`;
    await h.ok(D, { i: { id: rel.id, environment: 'STAGE' } });
    expect((await err(D, { i: { id: rel.id, environment: 'TEST' } })).message).toMatch(
      /already in STAGE: it moves forward only/,
    );
    expect((await err(D, { i: { id: rel.id, environment: 'PRODUCTION' } })).message).toBe(
      `input.environment: release ${rel.number} cannot reach PRODUCTION: change(s) ${c.number} (NEW) not approved`,
    );
  });

  it('needs the named approver before a request is fulfilled, then routes it to the fulfilment group', async () => {
    const item = (
      await h.ok(
        `mutation($i: CreateCatalogItemInput!) { createCatalogItem(input: $i) { id requiresApproval service { name } } }`,
        {
          i: {
            serviceId: ids.svc,
            name: 'New billing account',
            requiresApproval: true,
            approver: CM.id,
            fulfilmentGroupId: ids.group,
          },
        },
        ADMIN,
      )
    ).createCatalogItem;
    expect(
      (
        await err(
          `mutation($i: CreateCatalogItemInput!) { createCatalogItem(input: $i) { id } }`,
          { i: { serviceId: ids.svc, name: 'x', requiresApproval: true } },
          ADMIN,
        )
      ).field,
    ).toBe('input.approver');
    const catalogue = await h.ok(`query($s: ID) { serviceCatalog(serviceId: $s) { name } }`, { s: ids.svc });
    expect(catalogue.serviceCatalog).toEqual([{ name: 'New billing account' }]);
    const req = (
      await h.ok(
        `mutation($i: RequestItemInput!) { requestItem(input: $i) { id number status approval } }`,
        { i: { catalogItemId: item.id, details: { costCentre: 'CC-12' } } },
        CUSTOMER,
      )
    ).requestItem;
    expect(req).toMatchObject({ status: 'NEW', approval: 'PENDING' });
    expect(
      (
        await err(`mutation($i: AssignInput!) { assignRequest(input: $i) { id } }`, {
          i: { id: req.id, groupId: ids.group },
        })
      ).message,
    ).toMatch(/waits for approval by cm@desk/);
    expect(
      (
        await err(
          `mutation($i: DecideInput!) { decideRequest(input: $i) { id } }`,
          { i: { id: req.id, approve: true, comment: 'me!' } },
          CUSTOMER,
        )
      ).code,
    ).toBe('FORBIDDEN');
    const ok = await h.ok(
      `mutation($i: DecideInput!) { decideRequest(input: $i) { status approval assignmentGroup { name } details } }`,
      { i: { id: req.id, approve: true, comment: 'budget ok' } },
      CM,
    );
    expect(ok.decideRequest).toEqual({
      status: 'ASSIGNED',
      approval: 'APPROVED',
      assignmentGroup: { name: 'Desk' },
      details: { costCentre: 'CC-12' },
    });
    await h.ok(`mutation($i: AssignInput!) { assignRequest(input: $i) { status } }`, {
      i: { id: req.id, groupId: ids.group, assigneeId: ids.alice },
    });
    await h.ok(`mutation($i: TransitionTicketInput!) { transitionRequest(input: $i) { status } }`, {
      i: { id: req.id, to: 'ACCEPTED' },
    });
    const done = await h.ok(
      `mutation($i: TransitionTicketInput!) { transitionRequest(input: $i) { status completionCode transitions { to } } }`,
      { i: { id: req.id, to: 'COMPLETED', completionCode: 'FULFILLED' } },
    );
    expect(done.transitionRequest).toEqual({
      status: 'COMPLETED',
      completionCode: 'FULFILLED',
      transitions: [{ to: 'NEW' }, { to: 'ASSIGNED' }, { to: 'ACCEPTED' }, { to: 'COMPLETED' }],
    });
  });
});

describe('agent queue', () => {
  it("lists the open incidents of the actor's groups, highest priority first, with the service", async () => {
    const low = await incident({
      shortDescription: 'queue low',
      assignmentGroupId: ids.group,
      serviceId: ids.svc,
      impact: 'LOW',
      urgency: 'NEGOTIATED',
    });
    const high = await incident({
      shortDescription: 'queue high',
      assignmentGroupId: ids.group,
      impact: 'HIGH',
      urgency: 'CRITICAL',
    });
    await incident({
      shortDescription: 'other group',
      assignmentGroupId: ids.other_group,
      impact: 'SEVERE',
      urgency: 'IMMEDIATE',
    });
    const q = await h.ok(
      `{ agentQueue(first: 100) { incident { number } priority status service { name } assignmentGroup { name } slaDueAt } }`,
      {},
      AGENT,
    );
    const numbers = q.agentQueue.map((e: any) => e.incident.number);
    expect(numbers.indexOf(high.number)).toBeLessThan(numbers.indexOf(low.number));
    expect(q.agentQueue.every((e: any) => e.assignmentGroup.name === 'Desk' && e.status !== 'CLOSED')).toBe(true);
    expect(q.agentQueue.find((e: any) => e.incident.number === low.number)).toMatchObject({
      priority: 4,
      service: { name: 'Billing Service' },
      slaDueAt: null,
    });
    const priorities = q.agentQueue.map((e: any) => e.priority);
    expect(priorities).toEqual([...priorities].sort((a: number, b: number) => a - b));
    // One bounded statement for the queue (with the incidents), one for the people, groups and services it names.
    const trips = async (first: number): Promise<number> => {
      const before = h.db.counter.count;
      await h.ok(
        `query($f: Int) { agentQueue(first: $f) { incident { number shortDescription } priority service { name } assignmentGroup { name } assignee { name } } }`,
        { f: first },
        AGENT,
      );
      return h.db.counter.count - before;
    };
    const one = await trips(1);
    expect(one).toBeLessThanOrEqual(3); // the actor's groups, the queue, the entities
    expect(await trips(100)).toBe(one);
  });
});

describe('root cause with tickets', () => {
  it('takes symptoms from incidents and weighs open incidents and known errors on the candidates', async () => {
    const onApp = await incident({ shortDescription: 'billing errors', ciIds: [ids.app] });
    const onSvc = await incident({ shortDescription: 'billing service slow', ciIds: [ids.svc] });
    const p = (
      await h.ok(`mutation($i: CreateProblemInput!) { createProblem(input: $i) { id } }`, {
        i: { title: 'lun firmware', ciIds: [ids.lun], ownerId: ids.alice },
      })
    ).createProblem;
    await h.ok(`mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status } }`, {
      i: { id: p.id, to: 'INVESTIGATING' },
    });
    const ke = await h.ok(
      `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { knownErrors { number } } }`,
      {
        i: {
          id: p.id,
          to: 'KNOWN_ERROR',
          rootCause: 'firmware 1.2 drops paths',
          workaround: 'fail over the path',
          knownError: { title: 'LUN path drops', ciClass: 'StorageVolume' },
        },
      },
    );
    const keNumber = ke.transitionProblem.knownErrors[0].number;
    const r = await h.ok(
      `query($i: RootCauseInput!) { rootCauseCandidates(input: $i) { ci { name } explains { name } openIncidents knownErrors evidence } }`,
      { i: { incidentIds: [onApp.id, onSvc.id] } },
    );
    const lun = r.rootCauseCandidates.find((c: any) => c.ci.name === 'lun-01');
    expect(lun.explains.map((x: any) => x.name).sort()).toEqual(['Billing Service', 'billing']);
    expect(lun.knownErrors).toEqual([`${keNumber}: LUN path drops`]);
    expect(lun.openIncidents.length).toBe(4); // the repeat incidents on lun-01 above, all still open
    expect(lun.evidence.join('\n')).toContain(`known error(s) apply: ${keNumber}: LUN path drops`);
    const db = r.rootCauseCandidates.find((c: any) => c.ci.name === 'db-01');
    expect(db.knownErrors).toEqual([]);
    const bad = await err(`query($i: RootCauseInput!) { rootCauseCandidates(input: $i) { score } }`, {
      i: { incidentIds: [ids.app] },
    });
    expect(bad).toMatchObject({
      field: 'input.incidentIds.0',
      message: `input.incidentIds.0: ${ids.app} is not an incident`,
    });
  });
});

describe('services of a custom class', () => {
  it('accepts a CI of a custom subclass of Service as the service an incident or a catalogue item names', async () => {
    await h.ok(
      `mutation($i: DefineCIClassInput!) { defineCIClass(input: $i) { name } }`,
      { i: { name: 'PlatformService', baseClass: 'Service' } },
      ADMIN,
    );
    const platform = await ci('PlatformService', 'Hosting Platform');
    const logged = await h.ok(`mutation($i: LogIncidentInput!) { logIncident(input: $i) { service { id } } }`, {
      i: { shortDescription: 'platform slow', impact: 'LOW', urgency: 'NORMAL', serviceId: platform },
    });
    expect(logged.logIncident.service).toEqual({ id: platform });
    const item = await h.ok(
      `mutation($i: CreateCatalogItemInput!) { createCatalogItem(input: $i) { service { id } } }`,
      { i: { serviceId: platform, name: 'Platform account', requiresApproval: false } },
      ADMIN,
    );
    expect(item.createCatalogItem.service).toEqual({ id: platform });
    const refused = await err(`mutation($i: LogIncidentInput!) { logIncident(input: $i) { id } }`, {
      i: { shortDescription: 'x', impact: 'LOW', urgency: 'NORMAL', serviceId: ids.db },
    });
    expect(refused.message).toBe(
      `input.serviceId: ${ids.db} is a Database; expected Service or BusinessService or PlatformService`,
    );
  });
});
