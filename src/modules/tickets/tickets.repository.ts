/**
 * Cypher of tickets (incidents, problems, known errors, service requests, and the parts changes and releases share
 * with them). Storage: (:Ticket:<Kind> {id, number, title, status, …}) linked to what it touches —
 * AFFECTS (CIs), REPORTED_FOR (the service a caller named), IMPACTS_SERVICE {state, path} / IMPACTS_CUSTOMER
 * {serviceIds} (from impact analysis), CALLER / ASSIGNEE / OWNER (Person), ASSIGNED_TO (Group), CAUSED_BY (incident →
 * problem), HAS_KNOWN_ERROR, APPLIES_TO (known error → CI), CHILD_OF / DUPLICATE_OF (incident → incident),
 * REQUESTS (request → CatalogItem); (:JournalEntry) notes and transitions hang off HAS_ENTRY.
 */
import { randomUUID } from 'node:crypto';
import {
  asRow,
  int,
  num,
  oneOf,
  optOneOf,
  optStr,
  RowDecodeError,
  str,
  strList,
  type Row,
  type Tx,
} from '../../shared/db';
import type { WriteTx } from '../../shared/write';
import {
  CHANGE_OUTCOMES,
  CHANGE_RISKS,
  CHANGE_STATUSES,
  CHANGE_TYPES,
  IMPACTS,
  PROBLEM_STATUSES,
  RELEASE_STATUSES,
  REPORTERS,
  TICKET_STATUSES,
  URGENCIES,
  type ChangeOutcome,
  type ChangeRisk,
  type ChangeStatus,
  type ChangeType,
  type Impact,
  type ProblemStatus,
  type ReleaseStatus,
  type Reporter,
  type TicketStatus,
  type Urgency,
} from './workflow';

export const TICKET_KINDS = ['Incident', 'Problem', 'KnownError', 'Change', 'Release', 'ServiceRequest'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const NUMBER_PREFIX: Record<TicketKind, string> = {
  Incident: 'INC',
  Problem: 'PRB',
  KnownError: 'KE',
  Change: 'CHG',
  Release: 'REL',
  ServiceRequest: 'REQ',
};

export interface ImpactLink {
  id: string;
  state: 'DOWN' | 'DEGRADED';
  path: string[];
}

/** What every ticket kind carries. `props` holds the stored properties as read (free text, timestamps, flags). */
interface TicketBase {
  id: string;
  number: string;
  title: string;
  props: Row;
  ciIds: string[];
  services: ImpactLink[];
  customers: Array<{ id: string; serviceIds: string[] }>;
  groupId: string | null;
  assigneeId: string | null;
  callerId: string | null;
  ownerId: string | null;
  serviceId: string | null;
  itemId: string | null;
  /** Outgoing links to other tickets: [type, id]. */
  links: Array<[string, string]>;
  /** Incoming links from other tickets: [type, id]. */
  backlinks: Array<[string, string]>;
}

export interface IncidentRecord extends TicketBase {
  kind: 'Incident';
  status: TicketStatus;
  impact: Impact;
  urgency: Urgency;
  priority: number;
  reportedBy: Reporter;
}
export interface ServiceRequestRecord extends TicketBase {
  kind: 'ServiceRequest';
  status: TicketStatus;
}
export interface ProblemRecord extends TicketBase {
  kind: 'Problem';
  status: ProblemStatus;
}
export interface KnownErrorRecord extends TicketBase {
  kind: 'KnownError';
  status: string;
}
export interface ChangeRecord extends TicketBase {
  kind: 'Change';
  status: ChangeStatus;
  type: ChangeType;
  /** LOW until the change is assessed. */
  risk: ChangeRisk;
  outcome: ChangeOutcome | null;
}
export interface ReleaseRecord extends TicketBase {
  kind: 'Release';
  status: ReleaseStatus;
}

/** A ticket of any kind, told apart by `kind`; statuses and enumerated fields are checked when read. */
export type TicketRecord =
  IncidentRecord | ServiceRequestRecord | ProblemRecord | KnownErrorRecord | ChangeRecord | ReleaseRecord;
export type TicketOf<K extends TicketKind> = Extract<TicketRecord, { kind: K }>;

export function isKind<K extends TicketKind>(t: TicketRecord | null | undefined, kind: K): t is TicketOf<K> {
  return !!t && t.kind === kind;
}

const TICKET_LINKS = 'CAUSED_BY|RESOLVES|INCLUDES|HAS_KNOWN_ERROR|CHILD_OF|DUPLICATE_OF';

/** Projects ticket `t` with everything it links to (pair with toTicket). */
const TICKET = `t { .*, kind: [l IN labels(t) WHERE l <> 'Ticket'][0],
  ciIds: [(t)-[:AFFECTS|MODIFIES|APPLIES_TO|INSTALLS_ON]->(c:CI) | c.id],
  services: [(t)-[r:IMPACTS_SERVICE]->(s:CI) | {id: s.id, state: r.state, path: r.path}],
  customers: [(t)-[r:IMPACTS_CUSTOMER]->(o:Organization) | {id: o.id, serviceIds: r.serviceIds}],
  groupId: head([(t)-[:ASSIGNED_TO]->(g:Group) | g.id]),
  assigneeId: head([(t)-[:ASSIGNEE]->(p:Person) | p.id]),
  callerId: head([(t)-[:CALLER]->(p:Person) | p.id]),
  ownerId: head([(t)-[:OWNER]->(p:Person) | p.id]),
  serviceId: head([(t)-[:REPORTED_FOR]->(s:CI) | s.id]),
  itemId: head([(t)-[:REQUESTS]->(i:CatalogItem) | i.id]),
  links: [(t)-[r:${TICKET_LINKS}]->(o:Ticket) | [type(r), o.id]],
  backlinks: [(t)<-[r:${TICKET_LINKS}]-(o:Ticket) | [type(r), o.id]] }`;

const PROJECTED = [
  'kind',
  'ciIds',
  'services',
  'customers',
  'groupId',
  'assigneeId',
  'callerId',
  'ownerId',
  'serviceId',
  'itemId',
  'links',
  'backlinks',
];

/** Decodes a row projected by TICKET: the kind from its label, then the fields that kind's schema promises. */
export function toTicket(row: unknown): TicketRecord {
  const p = asRow(row, 't');
  const props: Row = { ...p };
  for (const k of PROJECTED) delete props[k];
  const base: TicketBase = {
    id: str(p, 'id'),
    number: str(p, 'number'),
    title: str(p, 'title'),
    props,
    ciIds: strList(p, 'ciIds'),
    // Shapes built by the TICKET projection itself (map literals over relationships), not stored free-form.
    services: p.services as ImpactLink[],
    customers: p.customers as TicketBase['customers'],
    groupId: optStr(p, 'groupId'),
    assigneeId: optStr(p, 'assigneeId'),
    callerId: optStr(p, 'callerId'),
    ownerId: optStr(p, 'ownerId'),
    serviceId: optStr(p, 'serviceId'),
    itemId: optStr(p, 'itemId'),
    // Pairs [type(r), o.id] built by the TICKET projection.
    links: p.links as Array<[string, string]>,
    backlinks: p.backlinks as Array<[string, string]>,
  };
  const kind = oneOf(p, 'kind', TICKET_KINDS);
  switch (kind) {
    case 'Incident':
      return {
        ...base,
        kind,
        status: oneOf(p, 'status', TICKET_STATUSES),
        impact: oneOf(p, 'impact', IMPACTS),
        urgency: oneOf(p, 'urgency', URGENCIES),
        priority: num(p, 'priority'),
        reportedBy: oneOf(p, 'reportedBy', REPORTERS),
      };
    case 'ServiceRequest':
      return { ...base, kind, status: oneOf(p, 'status', TICKET_STATUSES) };
    case 'Problem':
      return { ...base, kind, status: oneOf(p, 'status', PROBLEM_STATUSES) };
    case 'KnownError':
      return { ...base, kind, status: str(p, 'status') };
    case 'Change':
      return {
        ...base,
        kind,
        status: oneOf(p, 'status', CHANGE_STATUSES),
        type: oneOf(p, 'type', CHANGE_TYPES),
        risk: optOneOf(p, 'risk', CHANGE_RISKS) ?? 'LOW',
        outcome: optOneOf(p, 'outcome', CHANGE_OUTCOMES),
      };
    case 'Release':
      return { ...base, kind, status: oneOf(p, 'status', RELEASE_STATUSES) };
  }
}

export async function findTickets(tx: Tx, ids: readonly string[]): Promise<TicketRecord[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (t:Ticket {id: id}) USING INDEX SEEK t:Ticket(id)
     RETURN ${TICKET} AS t`,
    { ids },
  );
  return rows.map((r) => toTicket(r.t));
}

export async function findTicketByNumber(tx: Tx, number: string): Promise<TicketRecord | null> {
  const rows = await tx.run(`MATCH (t:Ticket {number: $number}) RETURN ${TICKET} AS t`, { number });
  return rows[0] ? toTicket(rows[0].t) : null;
}

/** Takes the ticket's write lock first (concurrent transitions serialize) and returns it. */
export async function lockTicket<K extends TicketKind>(tx: WriteTx, id: string, kind: K): Promise<TicketOf<K> | null> {
  const rows = await tx.run(
    `MATCH (t:Ticket {id: $id}) USING INDEX SEEK t:Ticket(id)
     WHERE $kind IN labels(t)
     SET t._lock = true REMOVE t._lock
     RETURN ${TICKET} AS t`,
    { id, kind },
  );
  const t = rows[0] ? toTicket(rows[0].t) : null;
  return isKind(t, kind) ? t : null;
}

/** The next number of a kind, INC0000001 onwards (the counter node serializes concurrent creators). */
export async function nextNumber(tx: WriteTx, kind: TicketKind): Promise<string> {
  const prefix = NUMBER_PREFIX[kind];
  const rows = await tx.run(
    `MERGE (c:Counter {name: $prefix}) ON CREATE SET c.value = 0
     SET c.value = c.value + 1
     RETURN c.value AS value`,
    { prefix },
  );
  return `${prefix}${String(rows[0]?.value as number).padStart(7, '0')}`;
}

export interface NewTicket {
  id: string;
  kind: TicketKind;
  number: string;
  props: Row;
}

/** Creates the ticket node with its kind's label (from the closed TicketKind set, never from input). */
export async function createTicket(tx: WriteTx, ticket: NewTicket): Promise<void> {
  await tx.run(
    `CREATE (t:Ticket:$($kind) {id: $id, number: $number})
     SET t += $props, t.openedAt = datetime.transaction(), t.updatedAt = datetime.transaction(), t.openedBy = $actor`,
    { id: ticket.id, number: ticket.number, props: ticket.props, kind: ticket.kind, actor: tx.actor.id },
  );
}

/** Sets properties (null removes) and updatedAt. */
export async function updateTicket(tx: WriteTx, id: string, set: Row): Promise<void> {
  await tx.run(
    `MATCH (t:Ticket {id: $id}) USING INDEX SEEK t:Ticket(id)
     SET t += $set, t.updatedAt = datetime.transaction()`,
    { id, set },
  );
}

/** Relationship types between tickets and what they touch; the closed set the link helpers accept. */
export type LinkType =
  | 'AFFECTS'
  | 'MODIFIES'
  | 'APPLIES_TO'
  | 'INSTALLS_ON'
  | 'REPORTED_FOR'
  | 'CALLER'
  | 'ASSIGNEE'
  | 'OWNER'
  | 'ASSIGNED_TO'
  | 'CAUSED_BY'
  | 'HAS_KNOWN_ERROR'
  | 'CHILD_OF'
  | 'DUPLICATE_OF'
  | 'RESOLVES'
  | 'INCLUDES'
  | 'REQUESTS'
  | 'OFFERED_BY'
  | 'FULFILLED_BY';

/** Binds x: the CMDB entity, ticket or catalogue item with id `tid` (each lookup by its unique index). */
const ANY_TARGET = `CALL (tid) {
       MATCH (x:Entity {id: tid}) USING INDEX SEEK x:Entity(id) RETURN x
       UNION MATCH (x:Ticket {id: tid}) USING INDEX SEEK x:Ticket(id) RETURN x
       UNION MATCH (x:CatalogItem {id: tid}) USING INDEX SEEK x:CatalogItem(id) RETURN x
     }`;

/** Replaces all `type` links of ticket (or catalogue item / blackout) `id` with links to `targetIds`. */
export async function setLinks(tx: WriteTx, id: string, type: LinkType, targetIds: readonly string[]): Promise<void> {
  await tx.run(
    `CALL () {
       MATCH (t:Ticket {id: $id}) USING INDEX SEEK t:Ticket(id) RETURN t
       UNION MATCH (t:CatalogItem {id: $id}) USING INDEX SEEK t:CatalogItem(id) RETURN t
       UNION MATCH (t:BlackoutWindow {id: $id}) USING INDEX SEEK t:BlackoutWindow(id) RETURN t
     }
     CALL (t) { MATCH (t)-[r:$($type)]->() DELETE r }
     WITH t
     UNWIND $targetIds AS tid
     ${ANY_TARGET}
     MERGE (t)-[:$($type)]->(x)`,
    { id, type, targetIds },
  );
}

/** Adds `type` links from each of `fromIds` to `toId` (idempotent). */
export async function addLinks(tx: WriteTx, fromIds: readonly string[], type: LinkType, toId: string): Promise<void> {
  await tx.run(
    `WITH $toId AS tid
     ${ANY_TARGET}
     UNWIND $fromIds AS fid
     MATCH (t:Ticket {id: fid}) USING INDEX SEEK t:Ticket(id)
     MERGE (t)-[:$($type)]->(x)`,
    { fromIds, type, toId },
  );
}

/** Stores the impact analysis of a ticket's CIs: services (state, path) and customers (their affected services). */
export async function setImpact(
  tx: WriteTx,
  id: string,
  services: readonly ImpactLink[],
  customers: ReadonlyArray<{ id: string; serviceIds: string[] }>,
): Promise<void> {
  await tx.run(
    `MATCH (t:Ticket {id: $id}) USING INDEX SEEK t:Ticket(id)
     CALL (t) { MATCH (t)-[r:IMPACTS_SERVICE|IMPACTS_CUSTOMER]->() DELETE r }
     CALL (t) {
       UNWIND $services AS s
       MATCH (svc:Entity {id: s.id}) USING INDEX SEEK svc:Entity(id)
       CREATE (t)-[:IMPACTS_SERVICE {state: s.state, path: s.path}]->(svc)
     }
     CALL (t) {
       UNWIND $customers AS c
       MATCH (o:Entity {id: c.id}) USING INDEX SEEK o:Entity(id)
       CREATE (t)-[:IMPACTS_CUSTOMER {serviceIds: c.serviceIds}]->(o)
     }`,
    { id, services, customers },
  );
}

const JOURNAL_KINDS = ['WORK_NOTE', 'COMMENT', 'COMMUNICATION', 'TRANSITION'] as const;

export interface JournalRow {
  id: string;
  ticketId: string;
  kind: (typeof JOURNAL_KINDS)[number];
  text: string;
  author: string;
  at: string;
  from: string | null;
  to: string | null;
}

let lastSeq = 0;

/**
 * A number that grows with every journal entry this process writes (microseconds since the epoch, bumped on ties):
 * entries of one transaction share its time, so they are ordered by this.
 */
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Math.round((performance.timeOrigin + performance.now()) * 1000));
  return lastSeq;
}

/** A journal entry to write: a note, or a transition `from` → `to`. */
export type NewJournalEntry = Omit<JournalRow, 'author' | 'at'>;

export function journalEntry(
  ticketId: string,
  kind: JournalRow['kind'],
  text: string,
  from: string | null = null,
  to: string | null = null,
): NewJournalEntry {
  return { id: randomUUID(), ticketId, kind, text, from, to };
}

export async function addJournal(tx: WriteTx, entries: readonly NewJournalEntry[]): Promise<void> {
  await tx.run(
    `UNWIND $entries AS e
     MATCH (t:Ticket {id: e.ticketId}) USING INDEX SEEK t:Ticket(id)
     CREATE (t)-[:HAS_ENTRY]->(:JournalEntry {id: e.id, kind: e.kind, text: e.text, author: $actor, at: datetime.transaction(),
                                             seq: e.seq, from: e.from, to: e.to})`,
    { entries: entries.map((e) => ({ ...e, seq: nextSeq() })), actor: tx.actor.id },
  );
}

export async function journalOf(tx: Tx, ticketIds: readonly string[]): Promise<JournalRow[]> {
  const rows = await tx.run(
    `UNWIND $ticketIds AS tid
     MATCH (t:Ticket {id: tid}) USING INDEX SEEK t:Ticket(id)
     MATCH (t)-[:HAS_ENTRY]->(j:JournalEntry)
     RETURN tid AS ticketId, j.id AS id, j.kind AS kind, j.text AS text, j.author AS author, j.at AS at, j.from AS from, j.to AS to
     ORDER BY j.at, j.seq, j.id`,
    { ticketIds },
  );
  return rows.map((r) => ({
    ticketId: str(r, 'ticketId'),
    id: str(r, 'id'),
    kind: oneOf(r, 'kind', JOURNAL_KINDS),
    text: str(r, 'text'),
    author: str(r, 'author'),
    at: str(r, 'at'),
    from: optStr(r, 'from'),
    to: optStr(r, 'to'),
  }));
}

export interface IncidentListFilter {
  statuses: string[] | null;
  ciId: string | null;
  groupId: string | null;
  major: boolean | null;
  maxPriority: number | null;
}

export async function listIncidents(tx: Tx, f: IncidentListFilter, limit: number): Promise<TicketRecord[]> {
  const rows = await tx.run(
    `MATCH (t:Incident)
     WHERE ($statuses IS NULL OR t.status IN $statuses)
       AND ($major IS NULL OR coalesce(t.major, false) = $major)
       AND ($maxPriority IS NULL OR t.priority <= $maxPriority)
       AND ($ciId IS NULL OR EXISTS { (t)-[:AFFECTS]->(:CI {id: $ciId}) })
       AND ($groupId IS NULL OR EXISTS { (t)-[:ASSIGNED_TO]->(:Group {id: $groupId}) })
     WITH t ORDER BY t.priority, t.openedAt LIMIT $limit
     RETURN ${TICKET} AS t`,
    { ...f, limit: int(limit) },
  );
  return rows.map((r) => toTicket(r.t));
}

export async function listByKind(
  tx: Tx,
  kind: TicketKind,
  statuses: string[] | null,
  limit: number,
): Promise<TicketRecord[]> {
  const rows = await tx.run(
    `MATCH (t:$($kind)) WHERE t:Ticket AND ($statuses IS NULL OR t.status IN $statuses)
     WITH t ORDER BY t.openedAt DESC LIMIT $limit
     RETURN ${TICKET} AS t`,
    { kind, statuses, limit: int(limit) },
  );
  return rows.map((r) => toTicket(r.t));
}

/** Filters of a ticket page; conditions a kind does not have are ignored for it. Every value is a parameter. */
export interface TicketPageFilter {
  statuses?: string[] | null;
  /** Incidents: on this CI; known errors: applying to this CI (directly, or by its class and version). */
  ciId?: string | null;
  groupId?: string | null;
  major?: boolean | null;
  maxPriority?: number | null;
  /** Known errors: lower-case text in the title, root cause or workaround. */
  text?: string | null;
  ciClass?: string | null;
}

/** The conditions each kind's page applies (parameters unset are null, and then hold for every ticket). */
const PAGE_WHERE: Record<TicketKind, string> = {
  Incident: `($statuses IS NULL OR t.status IN $statuses)
       AND ($major IS NULL OR coalesce(t.major, false) = $major)
       AND ($maxPriority IS NULL OR t.priority <= $maxPriority)
       AND ($ciId IS NULL OR EXISTS { (t)-[:AFFECTS]->(:CI {id: $ciId}) })
       AND ($groupId IS NULL OR EXISTS { (t)-[:ASSIGNED_TO]->(:Group {id: $groupId}) })`,
  KnownError: `($text IS NULL OR toLower(t.title) CONTAINS $text OR toLower(coalesce(t.rootCause, '')) CONTAINS $text
            OR toLower(coalesce(t.workaround, '')) CONTAINS $text)
       AND ($ciClass IS NULL OR t.ciClass = $ciClass)
       AND ($ciId IS NULL OR EXISTS { (t)-[:APPLIES_TO]->(:CI {id: $ciId}) }
            OR EXISTS { MATCH (c:CI {id: $ciId}) WHERE t.ciClass = c.class AND (t.version IS NULL OR t.version = c.version) })`,
  Problem: '($statuses IS NULL OR t.status IN $statuses)',
  ServiceRequest: '($statuses IS NULL OR t.status IN $statuses)',
  Change: '($statuses IS NULL OR t.status IN $statuses)',
  Release: '($statuses IS NULL OR t.status IN $statuses)',
};

function pageParams(filter: TicketPageFilter): Row {
  return {
    statuses: filter.statuses ?? null,
    ciId: filter.ciId ?? null,
    groupId: filter.groupId ?? null,
    major: filter.major ?? null,
    maxPriority: filter.maxPriority ?? null,
    text: filter.text ?? null,
    ciClass: filter.ciClass ?? null,
  };
}

/**
 * A keyset page of one kind of ticket in the order they were opened: (openedAt, id) after `page.after`, up to
 * `page.limit + 1` rows. Both are set once, at creation, so paging holds while tickets are added or change status.
 * The key's datetime travels as Cypher's string of the stored value (sub-millisecond parts survive the cursor).
 * The label comes from the closed TicketKind set, never from input.
 */
export async function listTicketPage(
  tx: Tx,
  kind: TicketKind,
  filter: TicketPageFilter,
  page: { limit: number; after?: readonly [string, string] },
): Promise<Array<{ node: TicketRecord; key: [string, string] }>> {
  const rows = await tx.run(
    `MATCH (t:${kind}) WHERE t:Ticket AND ${PAGE_WHERE[kind]}
       AND ($afterAt IS NULL OR t.openedAt > datetime($afterAt)
            OR (t.openedAt = datetime($afterAt) AND t.id > $afterId))
     WITH t ORDER BY t.openedAt, t.id LIMIT $limit
     RETURN ${TICKET} AS t, toString(t.openedAt) AS at`,
    {
      ...pageParams(filter),
      afterAt: page.after?.[0] ?? null,
      afterId: page.after?.[1] ?? null,
      limit: int(page.limit + 1),
    },
  );
  return rows.map((r) => {
    const node = toTicket(r.t);
    return { node, key: [r.at as string, node.id] };
  });
}

/** How many tickets of a kind match `filter`. */
export async function countTickets(tx: Tx, kind: TicketKind, filter: TicketPageFilter): Promise<number> {
  const rows = await tx.run(
    `MATCH (t:${kind}) WHERE t:Ticket AND ${PAGE_WHERE[kind]} RETURN count(t) AS n`,
    pageParams(filter),
  );
  return (rows[0]?.n as number) ?? 0;
}

export interface QueueRow {
  id: string;
  priority: number;
  status: TicketStatus;
  openedAt: string;
  groupId: string;
  assigneeId: string | null;
  serviceId: string | null;
  /** The whole incident, so the queue's entries need no second read. */
  ticket: IncidentRecord;
}

/**
 * The agent queue: open incidents assigned to these groups, by priority then age, each with its whole record.
 * Starts from the groups (few) and expands their ASSIGNED_TO edges, so the cost follows the groups' tickets, not
 * the number of tickets in the desk.
 */
export async function queue(
  tx: Tx,
  groupIds: readonly string[],
  openStatuses: readonly string[],
  limit: number,
): Promise<QueueRow[]> {
  const rows = await tx.run(
    `UNWIND $groupIds AS gid
     MATCH (g:Entity {id: gid}) USING INDEX SEEK g:Entity(id)
     MATCH (g)<-[:ASSIGNED_TO]-(t:Incident)
     WHERE t.status IN $open
     WITH t, g ORDER BY t.priority, t.openedAt LIMIT $limit
     RETURN g.id AS groupId, ${TICKET} AS t`,
    { groupIds, open: openStatuses, limit: int(limit) },
  );
  return rows.map((r) => {
    const ticket = toTicket(r.t);
    if (ticket.kind !== 'Incident') throw new RowDecodeError('kind', 'Incident', ticket.kind);
    return {
      id: ticket.id,
      priority: ticket.priority,
      status: ticket.status,
      openedAt: str(ticket.props, 'openedAt'),
      groupId: str(r, 'groupId'),
      assigneeId: ticket.assigneeId,
      serviceId: ticket.serviceId ?? ticket.services[0]?.id ?? null,
      ticket,
    };
  });
}

/** Groups of the person whose email is `email` (case-insensitive). */
export async function groupsOfPersonByEmail(tx: Tx, email: string): Promise<string[]> {
  const rows = await tx.run(
    `MATCH (p:Person) WHERE toLower(p.a_email) = toLower($email)
     MATCH (p)-[:MEMBER_OF_GROUP]->(g:Group) RETURN DISTINCT g.id AS id`,
    { email },
  );
  return rows.map((r) => r.id as string);
}

export async function isMember(
  tx: Tx,
  personId: string,
  groupId: string,
): Promise<{ person: boolean; group: boolean; member: boolean; groupHasMembers: boolean }> {
  const rows = await tx.run(
    `OPTIONAL MATCH (p:Person {id: $personId})
     OPTIONAL MATCH (g:Group {id: $groupId})
     RETURN p IS NOT NULL AS person, g IS NOT NULL AS group,
            EXISTS { (p)-[:MEMBER_OF_GROUP]->(g) } AS member, EXISTS { (g)<-[:MEMBER_OF_GROUP]-(:Person) } AS groupHasMembers`,
    { personId, groupId },
  );
  return rows[0] as { person: boolean; group: boolean; member: boolean; groupHasMembers: boolean };
}

/** Entities by id with their kind and class (for validating references). */
export async function entityKinds(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, { class: string; isCI: boolean; status: string | null; version: string | null }>> {
  const rows = await tx.run(
    `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     RETURN n.id AS id, n.class AS class, n:CI AS isCI, n.status AS status, n.version AS version`,
    { ids },
  );
  return new Map(
    rows.map((r) => [
      r.id as string,
      {
        class: r.class as string,
        isCI: r.isCI as boolean,
        status: (r.status as string | null) ?? null,
        version: (r.version as string | null) ?? null,
      },
    ]),
  );
}

/** Names of CMDB entities by id. */
export async function namesOf(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.run(
    'UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN n.id AS id, n.name AS name',
    { ids },
  );
  return new Map(rows.map((r) => [r.id as string, r.name as string]));
}

export interface RelatedIncidentRow {
  id: string;
  ciId: string;
  ciName: string;
}

/** Open incidents (other than `selfId`) that affect any of these CIs, with the CI they share. */
export async function openIncidentsOn(
  tx: Tx,
  ciIds: readonly string[],
  openStatuses: readonly string[],
  selfId: string,
): Promise<RelatedIncidentRow[]> {
  const rows = await tx.run(
    `UNWIND $ciIds AS cid
     MATCH (c:Entity {id: cid}) USING INDEX SEEK c:Entity(id)
     MATCH (c)<-[:AFFECTS]-(i:Incident)
     WHERE i.id <> $selfId AND i.status IN $open
     RETURN i.id AS id, c.id AS ciId, c.name AS ciName`,
    { ciIds, open: openStatuses, selfId },
  );
  return rows.map((r) => ({ id: str(r, 'id'), ciId: str(r, 'ciId'), ciName: str(r, 'ciName') }));
}

export interface KnownErrorMatchRow {
  id: string;
  ciId: string;
  ciName: string;
  how: 'CI' | 'CLASS';
}

/** Known errors logged against these CIs, or against their class (and version, when the known error names one). */
export async function knownErrorsFor(tx: Tx, ciIds: readonly string[]): Promise<KnownErrorMatchRow[]> {
  const rows = await tx.run(
    `UNWIND $ciIds AS cid
     MATCH (c:Entity {id: cid}) USING INDEX SEEK c:Entity(id)
     CALL (c) {
       MATCH (k:KnownError)-[:APPLIES_TO]->(c) RETURN k, 'CI' AS how
       UNION
       MATCH (k:KnownError {ciClass: c.class}) WHERE k.version IS NULL OR k.version = c.version
       RETURN k, 'CLASS' AS how
     }
     RETURN k.id AS id, c.id AS ciId, c.name AS ciName, how`,
    { ciIds },
  );
  return rows.map((r) => ({
    id: str(r, 'id'),
    ciId: str(r, 'ciId'),
    ciName: str(r, 'ciName'),
    how: oneOf(r, 'how', ['CI', 'CLASS'] as const),
  }));
}

export async function searchKnownErrors(
  tx: Tx,
  text: string | null,
  ciId: string | null,
  ciClass: string | null,
  limit: number,
): Promise<TicketRecord[]> {
  const rows = await tx.run(
    `MATCH (t:KnownError)
     WHERE ($text IS NULL OR toLower(t.title) CONTAINS $text OR toLower(coalesce(t.rootCause, '')) CONTAINS $text
            OR toLower(coalesce(t.workaround, '')) CONTAINS $text)
       AND ($ciClass IS NULL OR t.ciClass = $ciClass)
       AND ($ciId IS NULL OR EXISTS { (t)-[:APPLIES_TO]->(:CI {id: $ciId}) }
            OR EXISTS { MATCH (c:CI {id: $ciId}) WHERE t.ciClass = c.class AND (t.version IS NULL OR t.version = c.version) })
     WITH t ORDER BY t.openedAt DESC LIMIT $limit
     RETURN ${TICKET} AS t`,
    { text: text?.toLowerCase() ?? null, ciId, ciClass, limit: int(limit) },
  );
  return rows.map((r) => toTicket(r.t));
}

/** Incidents on this CI opened since `since` (repeat-incident detection), with the open problems they are linked to. */
export async function recentIncidentsOn(
  tx: Tx,
  ciId: string,
  since: string,
): Promise<Array<{ id: string; problemIds: string[] }>> {
  const rows = await tx.run(
    `MATCH (c:Entity {id: $ciId}) USING INDEX SEEK c:Entity(id)
     MATCH (c)<-[:AFFECTS]-(i:Incident) WHERE i.openedAt >= datetime($since)
     RETURN i.id AS id, [(i)-[:CAUSED_BY]->(p:Problem) WHERE NOT p.status IN ['RESOLVED', 'CLOSED'] | p.id] AS problemIds`,
    { ciId, since },
  );
  return rows.map((r) => ({ id: str(r, 'id'), problemIds: strList(r, 'problemIds') }));
}

// ── Settings ──────────────────────────────────────────────────────────────────────────────────────────────
export async function readSetting(tx: Tx, key: string): Promise<string | null> {
  const rows = await tx.run('MATCH (s:Setting {key: $key}) RETURN s.value AS value', { key });
  return (rows[0]?.value as string | undefined) ?? null;
}

export async function writeSetting(tx: WriteTx, key: string, value: string): Promise<void> {
  await tx.run(
    'MERGE (s:Setting {key: $key}) SET s.value = $value, s.updatedAt = datetime.transaction(), s.updatedBy = $actor',
    {
      key,
      value,
      actor: tx.actor.id,
    },
  );
}

// ── Catalogue ─────────────────────────────────────────────────────────────────────────────────────────────
export interface CatalogItemRow {
  id: string;
  name: string;
  description: string | null;
  requiresApproval: boolean;
  approver: string | null;
  serviceId: string;
  groupId: string | null;
}

const CATALOG_ITEM = `{ id: i.id, name: i.name, description: i.description, requiresApproval: i.requiresApproval, approver: i.approver,
  serviceId: head([(i)-[:OFFERED_BY]->(s:CI) | s.id]), groupId: head([(i)-[:FULFILLED_BY]->(g:Group) | g.id]) }`;

export async function createCatalogItem(
  tx: WriteTx,
  row: Omit<CatalogItemRow, 'serviceId' | 'groupId'>,
): Promise<void> {
  await tx.run(
    `CREATE (i:CatalogItem {id: $id, name: $name, description: $description, requiresApproval: $requiresApproval, approver: $approver,
                           createdAt: datetime.transaction()})`,
    { ...row },
  );
}

export async function catalogItems(
  tx: Tx,
  ids: readonly string[] | null,
  serviceId: string | null,
): Promise<CatalogItemRow[]> {
  const rows = await tx.run(
    `MATCH (i:CatalogItem)
     WHERE ($ids IS NULL OR i.id IN $ids) AND ($serviceId IS NULL OR EXISTS { (i)-[:OFFERED_BY]->(:CI {id: $serviceId}) })
     RETURN ${CATALOG_ITEM} AS i ORDER BY i.name`,
    { ids, serviceId },
  );
  return rows.map((r) => r.i as CatalogItemRow);
}

// ── Facts analysis reads (the TicketFacts port) ───────────────────────────────────────────────────────────
export interface ScheduledChangeRow {
  changeId: string;
  number: string | null;
  title: string | null;
  start: string;
  end: string;
  ciIds: string[];
  serviceIds: string[];
  customerIds: string[];
}

/**
 * Changes in these statuses whose window overlaps [start, end) and that modify one of these CIs, or whose own
 * stored impact reaches one of these services or customers. Reads (:Change {plannedStart, plannedEnd,
 * status})-[:MODIFIES]->(:CI) and its IMPACTS_SERVICE / IMPACTS_CUSTOMER links.
 */
export async function overlappingChanges(
  tx: Tx,
  touched: { ciIds: readonly string[]; serviceIds: readonly string[]; customerIds: readonly string[] },
  start: string,
  end: string,
  excludeId: string | null,
  statuses: readonly string[],
): Promise<ScheduledChangeRow[]> {
  const rows = await tx.run(
    `CALL () {
       UNWIND $ciIds AS id
       MATCH (x:Entity {id: id}) USING INDEX SEEK x:Entity(id)
       MATCH (c:Change)-[:MODIFIES]->(x) RETURN c, 'ci' AS how, id
       UNION ALL
       UNWIND $serviceIds AS id
       MATCH (x:Entity {id: id}) USING INDEX SEEK x:Entity(id)
       MATCH (c:Change)-[:IMPACTS_SERVICE]->(x) RETURN c, 'service' AS how, id
       UNION ALL
       UNWIND $customerIds AS id
       MATCH (x:Entity {id: id}) USING INDEX SEEK x:Entity(id)
       MATCH (c:Change)-[:IMPACTS_CUSTOMER]->(x) RETURN c, 'customer' AS how, id
     }
     WITH c, how, id
     WHERE c.plannedStart < datetime($end) AND c.plannedEnd > datetime($start)
       AND c.status IN $statuses
       AND ($excludeId IS NULL OR c.id <> $excludeId)
     WITH c, collect(DISTINCT CASE how WHEN 'ci' THEN id END) AS ciIds,
          collect(DISTINCT CASE how WHEN 'service' THEN id END) AS serviceIds,
          collect(DISTINCT CASE how WHEN 'customer' THEN id END) AS customerIds
     RETURN c.id AS changeId, c.number AS number, c.title AS title, c.plannedStart AS start, c.plannedEnd AS end,
            ciIds, serviceIds, customerIds
     ORDER BY start, changeId`,
    { ...touched, start, end, excludeId, statuses },
  );
  return rows.map((r) => ({
    changeId: str(r, 'changeId'),
    number: optStr(r, 'number'),
    title: optStr(r, 'title'),
    start: str(r, 'start'),
    end: str(r, 'end'),
    ciIds: strList(r, 'ciIds'),
    serviceIds: strList(r, 'serviceIds'),
    customerIds: strList(r, 'customerIds'),
  }));
}

export interface TicketSignalRow {
  id: string;
  openIncidents: string[];
  knownErrors: string[];
}

/**
 * Signals on CIs: incidents in these (open) statuses affecting them, and known errors recorded against them or
 * against their class (and version). Reads (:Incident)-[:AFFECTS]->(:CI) and (:KnownError)-[:APPLIES_TO]->(:CI) /
 * (:KnownError {ciClass, version}).
 */
export async function ticketSignals(
  tx: Tx,
  ids: readonly string[],
  openStatuses: readonly string[],
): Promise<TicketSignalRow[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (c:Entity {id: id}) USING INDEX SEEK c:Entity(id)
     RETURN id,
       [(c)<-[:AFFECTS]-(i:Incident) WHERE i.status IN $open | i.number] AS openIncidents,
       [(c)<-[:APPLIES_TO]-(k:KnownError) | k.number + ': ' + k.title]
         + COLLECT { MATCH (k:KnownError {ciClass: c.class}) WHERE (k.version IS NULL OR k.version = c.version) AND NOT (k)-[:APPLIES_TO]->(c)
                     RETURN k.number + ': ' + k.title } AS knownErrors`,
    { ids, open: openStatuses },
  );
  return rows.map((r) => ({
    id: str(r, 'id'),
    openIncidents: strList(r, 'openIncidents'),
    knownErrors: strList(r, 'knownErrors'),
  }));
}

/** The CIs incidents affect; ids that are not incidents are left out. */
export async function incidentCIs(tx: Tx, incidentIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await tx.run(
    `UNWIND $incidentIds AS id
     MATCH (i:Ticket {id: id}) USING INDEX SEEK i:Ticket(id) WHERE i:Incident
     RETURN id, [(i)-[:AFFECTS]->(c:CI) | c.id] AS ciIds`,
    { incidentIds },
  );
  return new Map(rows.map((r) => [r.id as string, r.ciIds as string[]]));
}
