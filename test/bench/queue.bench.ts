/**
 * Agent queue benchmark (issue "Service desk"): an agent's queue — open incidents assigned to their groups, with
 * priority, service and assignee — among N tickets, through the GraphQL API beside the queue's Cypher run raw,
 * alternating, after a warm-up, in the same run.
 *
 * Setup writes the tickets with one UNWIND statement per batch in the service desk's storage shape (logging 100k
 * incidents one by one through logIncident would take most of an hour); before timing, the API's answer for every
 * measured group is compared with the raw answer, so a shape drift fails the bench instead of timing nothing.
 */
import { mulberry32, syntheticDataset } from '../../seed/synthetic';
import * as ticketsRepo from '../../src/modules/tickets/tickets.repository';
import { OPEN_TICKET_STATUSES } from '../../src/modules/tickets';
import { ADMIN, type Harness } from '../helpers/harness';
import { ms, stat, type Stat } from './analysis.bench';

export interface QueueBenchResult {
  tickets: number;
  openTickets: number;
  groups: number;
  setupSeconds: number;
  queueSize: { min: number; median: number; max: number };
  api: Stat;
  raw: Stat;
  ratioP50: number;
  ratioP99: number;
  statementsPerApiCall: number;
}

const QUEUE = `query ($g: [ID!], $first: Int) { agentQueue(groupIds: $g, first: $first) {
  incident { id number shortDescription } priority status openedAt service { name } assignmentGroup { name } assignee { name } } }`;

const STATUSES = ['NEW', 'ASSIGNED', 'ACCEPTED', 'PENDING', 'COMPLETED', 'CLOSED'];

export async function benchQueue(
  h: Harness,
  ticketCount: number,
  iterations: number,
  log: (line: string) => void,
): Promise<QueueBenchResult> {
  await h.reset();
  const started = Date.now();
  const data = syntheticDataset(5_000, 7);
  const imported = await h.services.imports.importCMDB(ADMIN, data);
  if (imported.rejected.length) throw new Error('synthetic import rejected items');
  const groups = (await h.cypher('MATCH (g:Group) RETURN g.id AS id ORDER BY id')).map((r) => r.id as string);
  const services = (
    await h.cypher('MATCH (s:CI) WHERE s:Service OR s:BusinessService RETURN s.id AS id ORDER BY id')
  ).map((r) => r.id as string);
  const people = (await h.cypher(
    'MATCH (p:Person)-[:MEMBER_OF_GROUP]->(g:Group) RETURN p.id AS id, g.id AS groupId ORDER BY id',
  )) as Array<{ id: string; groupId: string }>;
  const membersOf = new Map<string, string[]>();
  for (const p of people) membersOf.set(p.groupId, [...(membersOf.get(p.groupId) ?? []), p.id]);
  const random = mulberry32(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const now = Date.now();
  const BATCH = 10_000;
  for (let offset = 0; offset < ticketCount; offset += BATCH) {
    const rows = [];
    for (let i = offset; i < Math.min(ticketCount, offset + BATCH); i++) {
      // Most tickets are history: 75% completed or closed, the rest spread over the open statuses.
      const status = random() < 0.75 ? pick(STATUSES.slice(4)) : pick(STATUSES.slice(0, 4));
      // Groups get skewed load (a few busy desks): square of a uniform number.
      const groupId = groups[Math.floor(random() * random() * groups.length)] as string;
      const assignee =
        status === 'NEW' || status === 'ASSIGNED' ? null : ((membersOf.get(groupId) ?? [null])[0] ?? null);
      rows.push({
        id: `bench-inc-${i}`,
        number: `INC${String(i + 1).padStart(7, '0')}`,
        title: `synthetic incident ${i}`,
        status,
        priority: Math.floor(random() * 5),
        openedAt: new Date(now - Math.floor(random() * 90 * 86_400_000)).toISOString(),
        groupId,
        serviceId: pick(services),
        assigneeId: assignee,
      });
    }
    await h.cypher(
      `UNWIND $rows AS r
       MATCH (g:Entity {id: r.groupId}) MATCH (s:Entity {id: r.serviceId})
       CREATE (t:Ticket:Incident {id: r.id, number: r.number, title: r.title, status: r.status, priority: r.priority,
                                  impact: 'LOW', urgency: 'NORMAL', reportedBy: 'SERVICE_DESK', major: false,
                                  openedAt: datetime(r.openedAt), updatedAt: datetime(r.openedAt), openedBy: 'bench'})
       CREATE (t)-[:ASSIGNED_TO]->(g)
       CREATE (t)-[:REPORTED_FOR]->(s)
       WITH t, r WHERE r.assigneeId IS NOT NULL
       MATCH (p:Entity {id: r.assigneeId}) CREATE (t)-[:ASSIGNEE]->(p)`,
      { rows },
    );
    log(`  queue: ${Math.min(ticketCount, offset + BATCH)} / ${ticketCount} tickets written`);
  }
  const setupSeconds = (Date.now() - started) / 1000;
  const sizes = await h.cypher(
    `MATCH (g:Group) RETURN g.id AS id, COUNT { (g)<-[:ASSIGNED_TO]-(t:Incident) WHERE t.status IN $open } AS open ORDER BY open DESC, id`,
    { open: OPEN_TICKET_STATUSES },
  );
  const openTickets = sizes.reduce((a, s) => a + (s.open as number), 0);
  // Measure the queues of agents at the busiest desks and at ordinary ones: every fourth group by size.
  const measured = sizes.filter((_, i) => i % 4 === 0).map((s) => s.id as string);
  const counts = sizes.map((s) => s.open as number).sort((a, b) => a - b);
  log(
    `  queue: ${ticketCount} tickets (${openTickets} open) over ${groups.length} groups in ${setupSeconds.toFixed(1)} s; open per group ${counts[0]} … ${counts[counts.length - 1]}`,
  );

  const raw = async (groupId: string): Promise<string[]> => {
    const rows = await h.db.readTx((tx) => ticketsRepo.queue(tx, [groupId], OPEN_TICKET_STATUSES, 50), {
      operation: 'bench raw queue',
    });
    return rows.map((r) => r.id);
  };
  const api = async (groupId: string): Promise<string[]> => {
    const d = await h.ok(QUEUE, { g: [groupId], first: 50 });
    return d.agentQueue.map((e: { incident: { id: string } }) => e.incident.id);
  };
  for (const g of measured) {
    const [a, r] = [await api(g), await raw(g)];
    if (JSON.stringify(a) !== JSON.stringify(r))
      throw new Error(`agent queue of group ${g}: API and raw Cypher disagree`);
  }
  const before = h.db.counter.count;
  await api(measured[0] as string);
  const statementsPerApiCall = h.db.counter.count - before;
  for (let i = 0; i < 5; i++) for (const g of measured) await Promise.all([api(g), raw(g)]); // warm-up
  const apiSamples: number[] = [];
  const rawSamples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const g of measured) {
      if ((i + measured.indexOf(g)) % 2 === 0) {
        apiSamples.push(await ms(() => api(g)));
        rawSamples.push(await ms(() => raw(g)));
      } else {
        rawSamples.push(await ms(() => raw(g)));
        apiSamples.push(await ms(() => api(g)));
      }
    }
  }
  const a = stat(apiSamples);
  const r = stat(rawSamples);
  log(
    `  agent queue (first 50): API p50 ${a.p50.toFixed(1)} ms p99 ${a.p99.toFixed(1)} ms | raw p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms | ${statementsPerApiCall} statements per API call`,
  );
  return {
    tickets: ticketCount,
    openTickets,
    groups: groups.length,
    setupSeconds,
    queueSize: {
      min: counts[0] ?? 0,
      median: counts[Math.floor(counts.length / 2)] ?? 0,
      max: counts[counts.length - 1] ?? 0,
    },
    api: a,
    raw: r,
    ratioP50: a.p50 / r.p50,
    ratioP99: a.p99 / r.p99,
    statementsPerApiCall,
  };
}
