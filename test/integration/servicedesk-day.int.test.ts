/**
 * The technical lead's day from seed 001, lived through GraphQL on the demo CMDB: the 5:45am monitoring incident,
 * the 9:00 problem record, the 1:45pm change approved by the technical lead then the customer, and the 3:42pm
 * high-impact licence incident → known error → fix → release through RC and stage to production.
 */
import { loadDemo } from '../../seed/demo';
import type { Actor } from '../../src/shared/write';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
const ids: Record<string, string> = {};
const MONITORING: Actor = { id: 'ismi-openview', roles: ['integration'] };
const RAY: Actor = { id: 'ray.alvarez@ioko.com', roles: ['agent', 'change-manager'] };
const JOE: Actor = { id: 'joe.bennett@ioko.com', roles: ['change-manager'] };
const MARK: Actor = { id: 'mark.doyle@channelsport.com', roles: ['customer'] };
const EMMA: Actor = { id: 'emma.clarke@ioko.com', roles: ['agent'] };

async function idOf(name: string): Promise<string> {
  const rows = await h.cypher('MATCH (n:Entity {name: $name}) RETURN n.id AS id', { name });
  if (rows.length !== 1) throw new Error(`${rows.length} entities named ${name}`);
  return rows[0]!.id as string;
}

const INCIDENT = `id number status priority affectedServices { service { name } state } affectedCustomers { customer { name } }
  assignmentGroup { name } assignee { name } problems { number status } completionCode transitions { from to author }`;

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
  await loadDemo(h.services);
  for (const name of [
    'lon-lb01',
    'channelsport.com Website',
    'Microsoft Application Support',
    'Ray Alvarez',
    'Priya Shah',
    'Licence Service',
    'Licence Web Service',
    'Mark Doyle',
    'VMS Platform Team',
    'licence-ws-01',
    'licence-ws-02',
  ])
    ids[name] = await idOf(name);
});
afterAll(async () => h.close());

/** 5:45am: monitoring logs the load-balancer incident against the website, assigned to application support. */
async function logMorningIncident(): Promise<any> {
  const data = await h.ok(
    `mutation($input: LogIncidentInput!) { logIncident(input: $input) { ${INCIDENT} reportedBy } }`,
    {
      input: {
        shortDescription: 'SolarWinds: network performance threshold breached on lon-lb01',
        reportedBy: 'MONITORING',
        ciIds: [ids['lon-lb01']],
        serviceId: ids['channelsport.com Website'],
        impact: 'MEDIUM',
        urgency: 'URGENT',
        assignmentGroupId: ids['Microsoft Application Support'],
      },
    },
    MONITORING,
  );
  return data.logIncident;
}

/** 5:50am–6:00am: Ray takes the incident and completes it with a workaround (no root cause). */
async function restore(morning: any): Promise<any> {
  await h.ok(
    `mutation($i: AssignInput!) { assignIncident(input: $i) { id } }`,
    { i: { id: morning.id, groupId: ids['Microsoft Application Support'], assigneeId: ids['Ray Alvarez'] } },
    RAY,
  );
  await h.ok(
    `mutation($i: TransitionTicketInput!) { transitionIncident(input: $i) { status } }`,
    { i: { id: morning.id, to: 'ACCEPTED' } },
    RAY,
  );
  const done = await h.ok(
    `mutation($i: TransitionTicketInput!) { transitionIncident(input: $i) { ${INCIDENT} completedAt } }`,
    {
      i: {
        id: morning.id,
        to: 'COMPLETED',
        completionCode: 'WORKAROUND',
        resolution: 'Traffic rebalanced; no outage. Root cause unknown.',
      },
    },
    RAY,
  );
  return done.transitionIncident;
}

/** 9:00am: Joe raises a problem record from the incident, owned by Priya. */
async function raiseProblem(morning: any): Promise<any> {
  const data = await h.ok(
    `mutation($i: CreateProblemInput!) { createProblem(input: $i) { id number status origin incidents { number } affectedCIs { name } } }`,
    {
      i: {
        title: 'Network performance breach on the channelsport.com load balancers',
        incidentIds: [morning.id],
        ownerId: ids['Priya Shah'],
      },
    },
    JOE,
  );
  return data.createProblem;
}

/** Priya's problem goes under investigation. */
async function investigate(problem: any): Promise<any> {
  const moved = await h.ok(
    `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status owner { name } } }`,
    { i: { id: problem.id, to: 'INVESTIGATING' } },
    JOE,
  );
  return moved.transitionProblem;
}

/**
 * Each step of the day starts from the demo CMDB with no service-desk records, and lives through the earlier steps
 * it builds on with the helpers above, so any one of them runs alone (jest -t).
 */
beforeEach(async () => {
  await h.cypher(
    `MATCH (n) WHERE n:Ticket OR n:JournalEntry OR n:WorkOrder OR n:Approval OR n:Deployment OR n:BlackoutWindow
     DETACH DELETE n`,
  );
});

describe("a technical lead's day (seed 001)", () => {
  it('5:45am monitoring raises a ticket by itself; the CI lookup finds the service, its customer, and the support team', async () => {
    const morning = await logMorningIncident();
    expect(morning).toMatchObject({
      status: 'ASSIGNED',
      priority: 2,
      reportedBy: 'MONITORING',
      assignmentGroup: { name: 'Microsoft Application Support' },
    });
    expect(morning.number).toMatch(/^INC\d{7}$/);
    expect(morning.affectedServices.map((s: any) => s.service.name)).toContain('channelsport.com Website');
    expect(morning.affectedCustomers.map((c: any) => c.customer.name)).toContain('Channel Sport Media');
    expect(morning.transitions.map((t: any) => [t.from, t.to])).toEqual([
      [null, 'NEW'],
      ['NEW', 'ASSIGNED'],
    ]);
  });

  it('5:50am Ray accepts it; 6:00am service restored within 15 minutes, without a root cause', async () => {
    const morning = await logMorningIncident();
    const done = await restore(morning);
    expect(done).toMatchObject({
      status: 'COMPLETED',
      completionCode: 'WORKAROUND',
      assignee: { name: 'Ray Alvarez' },
    });
    expect(done.transitions.map((t: any) => t.to)).toEqual(['NEW', 'ASSIGNED', 'ACCEPTED', 'COMPLETED']);
    expect(done.completedAt).toBeTruthy();
  });

  it('9:00am Joe has a problem record raised from it and an engineer investigating the root cause', async () => {
    const morning = await logMorningIncident();
    await restore(morning);
    const problem = await raiseProblem(morning);
    expect(problem).toMatchObject({
      status: 'NEW',
      origin: 'REACTIVE',
      incidents: [{ number: morning.number }],
      affectedCIs: [{ name: 'lon-lb01' }],
    });
    const moved = await investigate(problem);
    expect(moved).toEqual({ status: 'INVESTIGATING', owner: { name: 'Priya Shah' } });
    const inc = await h.ok(`query($id: ID!) { incident(id: $id) { problems { number status } } }`, { id: morning.id });
    expect(inc.incident.problems).toEqual([{ number: problem.number, status: 'INVESTIGATING' }]);
  });

  it('1:45pm the root-cause fix goes out as a change: Joe approves, then the customer co-authorizes', async () => {
    const morning = await logMorningIncident();
    await restore(morning);
    const problem = await raiseProblem(morning);
    await investigate(problem);
    await h.ok(
      `mutation($i: UpdateProblemInput!) { updateProblem(input: $i) { id } }`,
      {
        i: {
          id: problem.id,
          rootCause: 'Connection table exhaustion on lon-lb01 under peak load',
          fix: 'Raise the connection limit and enable SNAT pool',
        },
      },
      RAY,
    );
    const created = await h.ok(
      `mutation($i: CreateChangeInput!) { createChange(input: $i) { id number status risk problems { number } missingWorkOrders affectedServices { service { name } } } }`,
      {
        i: {
          type: 'NORMAL',
          title: 'Raise lon-lb01 connection limit, enable SNAT pool',
          ciIds: [ids['lon-lb01']],
          problemIds: [problem.id],
          plannedStart: '2031-09-20T22:00:00Z',
          plannedEnd: '2031-09-20T23:00:00Z',
        },
      },
      RAY,
    );
    const change = created.createChange;
    expect(change).toMatchObject({ status: 'NEW', problems: [{ number: problem.number }] });
    expect(change.missingWorkOrders).toEqual([
      'RISK_ASSESSMENT',
      'TEST_PLAN',
      'ROLLBACK_PLAN',
      'IMPLEMENTATION_PLAN',
      'AUTHORIZATION',
    ]);
    for (const [kind, content] of [
      ['RISK_ASSESSMENT', 'Low: one LB of a pair, failover tested'],
      ['TEST_PLAN', 'Synthetic load test on lon-lb02 first'],
      ['ROLLBACK_PLAN', 'Restore the saved UCS archive'],
      ['IMPLEMENTATION_PLAN', 'Drain, apply profile, re-enable'],
    ]) {
      await h.ok(
        `mutation($i: SetWorkOrderInput!) { setWorkOrder(input: $i) { id } }`,
        { i: { changeId: change.id, kind, content } },
        JOE,
      );
    }
    const submitted = await h.ok(
      `mutation($i: SubmitChangeInput!) { submitChange(input: $i) { status approvals { order approver role state } } }`,
      {
        i: {
          id: change.id,
          approvers: [
            { approver: JOE.id, role: 'Technical lead' },
            { approver: MARK.id, role: 'Customer co-authorization' },
          ],
        },
      },
      JOE,
    );
    expect(submitted.submitChange.status).toBe('ASSESSMENT');
    expect(submitted.submitChange.approvals.map((a: any) => [a.order, a.approver, a.state])).toEqual([
      [1, JOE.id, 'PENDING'],
      [2, MARK.id, 'PENDING'],
    ]);

    const early = await h.gql(
      `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
      { i: { id: change.id, comment: 'fine by us' } },
      MARK,
    );
    expect(early.errors?.[0]?.message).toMatch(/waits for joe.bennett@ioko.com \(Technical lead\) first/);

    const byJoe = await h.ok(
      `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
      { i: { id: change.id, comment: 'Reviewed the plan: approved' } },
      JOE,
    );
    expect(byJoe.approveChange.status).toBe('ASSESSMENT');
    const byMark = await h.ok(
      `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status missingWorkOrders workOrders { kind content } } }`,
      { i: { id: change.id, comment: 'Co-authorized for Saturday night' } },
      MARK,
    );
    expect(byMark.approveChange.status).toBe('AUTHORIZED');
    expect(byMark.approveChange.missingWorkOrders).toEqual([]);
    expect(byMark.approveChange.workOrders.find((w: any) => w.kind === 'AUTHORIZATION').content).toContain(
      'Co-authorized for Saturday night',
    );

    const scheduled = await h.ok(`mutation($id: ID!) { scheduleChange(id: $id) { status } }`, { id: change.id }, JOE);
    expect(scheduled.scheduleChange.status).toBe('SCHEDULED');
    const fsc = await h.ok(
      `{ changeSchedule(from: "2031-09-20T00:00:00Z", to: "2031-09-21T00:00:00Z") { changes { number status } } }`,
    );
    expect(fsc.changeSchedule.changes).toEqual([{ number: change.number, status: 'SCHEDULED' }]);
  });

  it('3:42pm a high-impact incident: known error in the licence web service, fix released through RC and stage to production', async () => {
    const logged = await h.ok(
      `mutation($input: LogIncidentInput!) { logIncident(input: $input) { ${INCIDENT} caller { name } } }`,
      {
        input: {
          shortDescription: 'Channel Islands users cannot play video: no licence issued',
          reportedBy: 'CUSTOMER',
          callerId: ids['Mark Doyle'],
          serviceId: ids['Licence Service'],
          ciIds: [ids['Licence Web Service']],
          impact: 'HIGH',
          urgency: 'CRITICAL',
          assignmentGroupId: ids['VMS Platform Team'],
          assigneeId: ids['Ray Alvarez'],
        },
      },
      EMMA,
    );
    const inc = logged.logIncident;
    expect(inc).toMatchObject({ priority: 1, status: 'ASSIGNED', caller: { name: 'Mark Doyle' } });
    expect(inc.affectedServices).toEqual(
      expect.arrayContaining([{ service: { name: 'Licence Service' }, state: 'DOWN' }]),
    );
    expect(inc.affectedCustomers.map((c: any) => c.customer.name)).toContain('Channel Sport Media');

    const prb = (
      await h.ok(
        `mutation($i: CreateProblemInput!) { createProblem(input: $i) { id number } }`,
        { i: { title: 'Licences refused to Channel Islands IPs', incidentIds: [inc.id], ownerId: ids['Ray Alvarez'] } },
        RAY,
      )
    ).createProblem;
    await h.ok(
      `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status } }`,
      { i: { id: prb.id, to: 'INVESTIGATING' } },
      RAY,
    );
    const ke = await h.ok(
      `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status knownErrors { number title workaround cis { name } } } }`,
      {
        i: {
          id: prb.id,
          to: 'KNOWN_ERROR',
          rootCause:
            'Bug in the VMS SOAP call to the licence web service: Quova Geo-IP blocking rejects Channel Islands IPs',
          workaround: 'Content editors publish via email and remote access',
          knownError: { title: 'Licence WS rejects Channel Islands IPs', ciIds: [ids['Licence Web Service']] },
        },
      },
      RAY,
    );
    expect(ke.transitionProblem.status).toBe('KNOWN_ERROR');
    expect(ke.transitionProblem.knownErrors).toEqual([
      expect.objectContaining({
        title: 'Licence WS rejects Channel Islands IPs',
        cis: [{ name: 'Licence Web Service' }],
      }),
    ]);
    const kedb = await h.ok(`{ knownErrors(filter: {text: "channel islands"}) { number problem { number } } }`);
    expect(kedb.knownErrors).toEqual([
      { number: ke.transitionProblem.knownErrors[0].number, problem: { number: prb.number } },
    ]);

    // The next caller with the same symptom is pointed at the known error and the open incident.
    const second = await h.ok(
      `mutation($input: LogIncidentInput!) { logIncident(input: $input) { suggestions { knownErrors { knownError { title } reason } relatedIncidents { incident { number } reason } } } }`,
      {
        input: {
          shortDescription: 'Jersey viewer: licence refused',
          ciIds: [ids['Licence Web Service']],
          impact: 'LOW',
          urgency: 'NORMAL',
        },
      },
      EMMA,
    );
    expect(second.logIncident.suggestions.knownErrors).toEqual([
      { knownError: { title: 'Licence WS rejects Channel Islands IPs' }, reason: 'logged against Licence Web Service' },
    ]);
    expect(second.logIncident.suggestions.relatedIncidents).toEqual([
      { incident: { number: inc.number }, reason: 'same CI Licence Web Service' },
    ]);

    // The customer's fix, as an emergency change approved by the emergency CAB (the technical lead).
    const fix = (
      await h.ok(
        `mutation($i: CreateChangeInput!) { createChange(input: $i) { id number } }`,
        {
          i: {
            type: 'EMERGENCY',
            title: 'Licence WS 2.1.8: fix Geo-IP check for Channel Islands',
            ciIds: [ids['licence-ws-01'], ids['licence-ws-02']],
            problemIds: [prb.id],
            plannedStart: '2031-09-18T16:30:00Z',
            plannedEnd: '2031-09-18T18:00:00Z',
          },
        },
        JOE,
      )
    ).createChange;
    for (const kind of ['RISK_ASSESSMENT', 'TEST_PLAN', 'ROLLBACK_PLAN', 'IMPLEMENTATION_PLAN']) {
      await h.ok(
        `mutation($i: SetWorkOrderInput!) { setWorkOrder(input: $i) { id } }`,
        { i: { changeId: fix.id, kind, content: `${kind} for 2.1.8` } },
        JOE,
      );
    }
    await h.ok(
      `mutation($i: SubmitChangeInput!) { submitChange(input: $i) { status } }`,
      { i: { id: fix.id, approvers: [{ approver: JOE.id, role: 'Emergency CAB' }] } },
      JOE,
    );
    await h.ok(
      `mutation($i: ApprovalDecisionInput!) { approveChange(input: $i) { status } }`,
      { i: { id: fix.id, comment: 'Rugby World Cup: go' } },
      JOE,
    );
    await h.ok(`mutation($id: ID!) { scheduleChange(id: $id) { status } }`, { id: fix.id }, JOE);

    const rel = (
      await h.ok(
        `mutation($i: CreateReleaseInput!) { createRelease(input: $i) { id number environment } }`,
        {
          i: {
            name: 'Licence Web Service',
            version: '2.1.8',
            pack: ['LicenceService.svc 2.1.8', 'GeoIP rules CI-2031-09'],
            changeIds: [fix.id],
            ciIds: [ids['licence-ws-01'], ids['licence-ws-02']],
          },
        },
        JOE,
      )
    ).createRelease;
    expect(rel.environment).toBeNull();
    const tooEarly = await h.gql(
      `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { id } }`,
      { i: { id: rel.id, environment: 'PRODUCTION' } },
      JOE,
    );
    expect(tooEarly.errors?.[0]?.message).toMatch(/only after a test environment/);
    await h.ok(
      `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { environment } }`,
      { i: { id: rel.id, environment: 'RC' } },
      JOE,
    );
    await h.ok(
      `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { environment } }`,
      { i: { id: rel.id, environment: 'STAGE' } },
      JOE,
    );
    const notStarted = await h.gql(
      `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { id } }`,
      { i: { id: rel.id, environment: 'PRODUCTION' } },
      JOE,
    );
    expect(notStarted.errors?.[0]?.message).toMatch(/IMPLEMENTING \(start the change first\)/);
    await h.ok(`mutation($id: ID!) { startChange(id: $id) { status } }`, { id: fix.id }, JOE);
    const prod = await h.ok(
      `mutation($i: DeployReleaseInput!) { deployRelease(input: $i) { environment deployments { environment change { number } cis { name } } } }`,
      { i: { id: rel.id, environment: 'PRODUCTION' } },
      JOE,
    );
    expect(prod.deployRelease.environment).toBe('PRODUCTION');
    expect(prod.deployRelease.deployments.map((d: any) => d.environment)).toEqual(['RC', 'STAGE', 'PRODUCTION']);
    expect(prod.deployRelease.deployments[2].change).toEqual({ number: fix.number });

    // Versions stay auditable: the CI carries 2.1.8, its history names the change, and nothing is unauthorized.
    const ci = await h.ok(
      `query($id: ID!) { ci(id: $id) { version unauthorizedChanges { revision } } ciHistory(id: $id) { changeId change { number } unauthorized changes { field before after } }
      ciReleases(ciId: $id) { environment version release { number } change { number } } }`,
      { id: ids['licence-ws-01'] },
    );
    expect(ci.ci).toEqual({ version: '2.1.8', unauthorizedChanges: [] });
    const last = ci.ciHistory[ci.ciHistory.length - 1];
    expect(last).toMatchObject({ changeId: fix.id, change: { number: fix.number }, unauthorized: false });
    expect(last.changes).toEqual([{ field: 'version', before: null, after: '2.1.8' }]);
    expect(ci.ciReleases).toEqual([
      { environment: 'PRODUCTION', version: '2.1.8', release: { number: rel.number }, change: { number: fix.number } },
    ]);
    const updates = await h.ok(`query($id: ID!) { change(id: $id) { cmdbUpdates { ci { name } changeId } } }`, {
      id: fix.id,
    });
    expect(updates.change.cmdbUpdates.map((u: any) => u.ci.name).sort()).toEqual(['licence-ws-01', 'licence-ws-02']);

    await h.ok(
      `mutation($i: CompleteChangeInput!) { completeChange(input: $i) { status outcome } }`,
      { i: { id: fix.id, outcome: 'SUCCESSFUL' } },
      JOE,
    );
    const closed = await h.ok(
      `mutation($i: CloseChangeInput!) { closeChange(input: $i) { status review } }`,
      { i: { id: fix.id, review: 'Fixed; Channel Islands users receive licences again' } },
      JOE,
    );
    expect(closed.closeChange.status).toBe('CLOSED');

    // Resolving the problem completes its incident; the customer agrees and it closes.
    await h.ok(
      `mutation($i: TransitionProblemInput!) { transitionProblem(input: $i) { status } }`,
      { i: { id: prb.id, to: 'RESOLVED', resolution: `Fixed by ${fix.number} (release ${rel.number})` } },
      RAY,
    );
    const after = await h.ok(`query($id: ID!) { incident(id: $id) { status completionCode resolution } }`, {
      id: inc.id,
    });
    expect(after.incident).toEqual({
      status: 'COMPLETED',
      completionCode: 'RESOLVED_BY_PROBLEM',
      resolution: `${prb.number}: Fixed by ${fix.number} (release ${rel.number})`,
    });
    const agreed = await h.ok(
      `mutation($i: TransitionTicketInput!) { transitionIncident(input: $i) { status closureAgreement } }`,
      { i: { id: inc.id, to: 'CLOSED', customerAgreement: 'Mark Doyle confirmed by phone, 17:10' } },
      MARK,
    );
    expect(agreed.transitionIncident).toEqual({
      status: 'CLOSED',
      closureAgreement: 'Mark Doyle confirmed by phone, 17:10',
    });
  });
});
