/** GraphQL resolvers of the service desk: thin, over the services and the per-request loaders. */
import type { Resolvers } from '../../generated/graphql';
import type { GraphQLContext } from '../../context';
import type { EntityRecord } from '../cmdb';
import { connectionFields } from '../../shared/graphql/connection';
import type { ConnectionRecord } from '../../shared/graphql/connection';
import type { TicketKind, TicketOf, TicketRecord } from './tickets.repository';
import { allOfKind, oneOfKind, ofKind, onlyKind, pageOfKind } from './ticket-kinds';
import { incidentPageFilter } from './incidents.service';
import { knownErrorPageFilter } from './problems.service';

type Ctx = GraphQLContext;

const entity = (ctx: Ctx, id: string | null): Promise<EntityRecord | null> =>
  id ? ctx.loaders.entity.load(id) : Promise.resolve(null);
const entities = async (ctx: Ctx, ids: readonly string[]): Promise<EntityRecord[]> =>
  (await ctx.loaders.entity.loadMany([...ids])).filter((e): e is EntityRecord => !!e && !(e instanceof Error));
const tickets = async (ctx: Ctx, ids: readonly string[]): Promise<TicketRecord[]> =>
  (await ctx.ticketLoaders.ticket.loadMany([...ids])).filter((t): t is TicketRecord => !!t && !(t instanceof Error));
const linked = (t: TicketRecord, type: string): string[] => t.links.filter(([l]) => l === type).map(([, id]) => id);
const backlinked = (t: TicketRecord, type: string): string[] =>
  t.backlinks.filter(([l]) => l === type).map(([, id]) => id);
const journal = async (ctx: Ctx, t: TicketRecord, kind: string) =>
  (await ctx.ticketLoaders.journal.load(t.id)).filter((j) => j.kind === kind);
const str = (t: TicketRecord, key: string): string | null => (t.props[key] as string | null | undefined) ?? null;
/** A ticket another record names by id: it exists (the record was read with it). */
const loaded = async (ctx: Ctx, id: string): Promise<TicketRecord> => {
  const t = await ctx.ticketLoaders.ticket.load(id);
  if (!t) throw new Error(`ticket ${id} vanished`);
  return t;
};
/** Tickets of one kind behind these ids (a link type points at one kind). */
const ticketsOf = async <K extends TicketKind>(ctx: Ctx, ids: readonly string[], kind: K): Promise<TicketOf<K>[]> =>
  onlyKind(await tickets(ctx, ids), kind);
/** A page's tickets answer later loads of the same ids in this request. */
const primed = async <T extends TicketRecord>(
  ctx: Ctx,
  page: Promise<ConnectionRecord<T>>,
): Promise<ConnectionRecord<T>> => {
  const c = await page;
  for (const t of c.nodes) ctx.ticketLoaders.ticket.prime(t.id, t);
  return c;
};

/** Fields every ticket kind shares. */
const common = {
  number: (t: TicketRecord) => t.number,
  description: (t: TicketRecord) => str(t, 'description'),
  openedBy: (t: TicketRecord) => str(t, 'openedBy') ?? 'unknown',
  openedAt: (t: TicketRecord) => str(t, 'openedAt') as string,
  updatedAt: (t: TicketRecord) => str(t, 'updatedAt') as string,
  workNotes: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'WORK_NOTE'),
  comments: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'COMMENT'),
  transitions: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'TRANSITION'),
};
const impacts = {
  affectedServices: (t: TicketRecord) => t.services,
  affectedCustomers: (t: TicketRecord) => t.customers,
};

export const ticketResolvers: Resolvers = {
  Query: {
    ticketByNumber: (_, { number }, ctx) => ctx.services.tickets.byNumber(number),
    incident: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'Incident'),
    incidents: (_, { filter, first }, ctx) => allOfKind('Incident', ctx.services.tickets.incidents.list(filter, first)),
    incidentsConnection: (_, { first, after, filter }, ctx) =>
      primed(
        ctx,
        pageOfKind(
          'Incident',
          ctx.services.tickets.connection('Incident', incidentPageFilter(filter), { first, after }),
        ),
      ),
    agentQueue: (_, { groupIds, first }, ctx) => ctx.services.tickets.triage.queue(ctx.actor, groupIds, first),
    problem: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'Problem'),
    problems: (_, { status, first }, ctx) =>
      allOfKind('Problem', ctx.services.tickets.list('Problem', status ?? null, first)),
    problemsConnection: (_, { first, after, status }, ctx) =>
      primed(
        ctx,
        pageOfKind(
          'Problem',
          ctx.services.tickets.connection('Problem', { statuses: status ?? null }, { first, after }),
        ),
      ),
    knownError: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'KnownError'),
    knownErrors: (_, { filter, first }, ctx) =>
      allOfKind('KnownError', ctx.services.tickets.problems.searchKnownErrors(filter, first)),
    knownErrorsConnection: (_, { first, after, filter }, ctx) =>
      primed(
        ctx,
        pageOfKind(
          'KnownError',
          ctx.services.tickets.connection('KnownError', knownErrorPageFilter(filter), { first, after }),
        ),
      ),
    serviceRequest: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'ServiceRequest'),
    serviceRequestsConnection: (_, { first, after, status }, ctx) =>
      primed(
        ctx,
        pageOfKind(
          'ServiceRequest',
          ctx.services.tickets.connection('ServiceRequest', { statuses: status ?? null }, { first, after }),
        ),
      ),
    serviceCatalog: (_, { serviceId }, ctx) => ctx.services.tickets.requests.catalog(serviceId),
    serviceDeskSettings: (_, __, ctx) => ctx.services.tickets.settings.current(),
    priorityFor: (_, { impact, urgency }, ctx) => ctx.services.tickets.settings.priorityFor(impact, urgency),
  },
  Mutation: {
    logIncident: (_, { input }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.incidents.logIncident(ctx.actor, input)),
    updateIncident: (_, { input }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.incidents.updateIncident(ctx.actor, input)),
    assignIncident: (_, { input }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.workflow.assign(ctx.actor, input, 'Incident')),
    transitionIncident: (_, { input }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.workflow.transition(ctx.actor, input, 'Incident')),
    linkIncident: (_, { input }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.incidents.linkIncident(ctx.actor, input)),
    declareMajorIncident: (_, { id }, ctx) =>
      oneOfKind('Incident', ctx.services.tickets.incidents.declareMajor(ctx.actor, id)),
    addNote: (_, { input }, ctx) => ctx.services.tickets.workflow.addNote(ctx.actor, input),
    createProblem: (_, { input }, ctx) =>
      oneOfKind('Problem', ctx.services.tickets.problems.createProblem(ctx.actor, input)),
    updateProblem: (_, { input }, ctx) =>
      oneOfKind('Problem', ctx.services.tickets.problems.updateProblem(ctx.actor, input)),
    linkIncidentsToProblem: (_, { problemId, incidentIds }, ctx) =>
      oneOfKind('Problem', ctx.services.tickets.problems.linkIncidentsToProblem(ctx.actor, problemId, incidentIds)),
    transitionProblem: (_, { input }, ctx) =>
      oneOfKind('Problem', ctx.services.tickets.problems.transitionProblem(ctx.actor, input)),
    createCatalogItem: (_, { input }, ctx) => ctx.services.tickets.requests.createCatalogItem(ctx.actor, input),
    requestItem: (_, { input }, ctx) =>
      oneOfKind('ServiceRequest', ctx.services.tickets.requests.requestItem(ctx.actor, input)),
    decideRequest: (_, { input }, ctx) =>
      oneOfKind('ServiceRequest', ctx.services.tickets.requests.decideRequest(ctx.actor, input)),
    assignRequest: (_, { input }, ctx) =>
      oneOfKind('ServiceRequest', ctx.services.tickets.workflow.assign(ctx.actor, input, 'ServiceRequest')),
    transitionRequest: (_, { input }, ctx) =>
      oneOfKind('ServiceRequest', ctx.services.tickets.workflow.transition(ctx.actor, input, 'ServiceRequest')),
    updateServiceDeskSettings: (_, { input }, ctx) => ctx.services.tickets.settings.update(ctx.actor, input),
  },
  IncidentConnection: connectionFields,
  ProblemConnection: connectionFields,
  KnownErrorConnection: connectionFields,
  ServiceRequestConnection: connectionFields,
  TicketRef: {
    kind: (t) => t.kind,
    title: (t) => t.title,
    status: (t) => t.status,
  },
  Incident: {
    ...common,
    ...impacts,
    shortDescription: (t) => t.title,
    status: (t) => t.status,
    impact: (t) => t.impact,
    urgency: (t) => t.urgency,
    priority: (t) => t.priority,
    category: (t) => str(t, 'category'),
    reportedBy: (t) => t.reportedBy,
    caller: (t, _, ctx) => entity(ctx, t.callerId),
    service: (t, _, ctx) => entity(ctx, t.serviceId),
    affectedCIs: (t, _, ctx) => entities(ctx, t.ciIds),
    assignmentGroup: (t, _, ctx) => entity(ctx, t.groupId),
    assignee: (t, _, ctx) => entity(ctx, t.assigneeId),
    pendingReason: (t) => str(t, 'pendingReason'),
    completionCode: (t) => str(t, 'completionCode'),
    resolution: (t) => str(t, 'resolution'),
    closureAgreement: (t) => str(t, 'closureAgreement'),
    major: (t) => t.props.major === true,
    parent: async (t, _, ctx) => (await ticketsOf(ctx, linked(t, 'CHILD_OF'), 'Incident'))[0] ?? null,
    children: (t, _, ctx) => ticketsOf(ctx, backlinked(t, 'CHILD_OF'), 'Incident'),
    duplicateOf: async (t, _, ctx) => (await ticketsOf(ctx, linked(t, 'DUPLICATE_OF'), 'Incident'))[0] ?? null,
    duplicates: (t, _, ctx) => ticketsOf(ctx, backlinked(t, 'DUPLICATE_OF'), 'Incident'),
    problems: (t, _, ctx) => ticketsOf(ctx, linked(t, 'CAUSED_BY'), 'Problem'),
    suggestions: (t, _, ctx) => ctx.services.tickets.triage.suggestions(t),
    communications: (t, _, ctx) => journal(ctx, t, 'COMMUNICATION'),
    completedAt: (t) => str(t, 'completedAt'),
    closedAt: (t) => str(t, 'closedAt'),
  },
  TicketServiceImpact: {
    service: async (s, _, ctx) => (await entity(ctx, s.id)) as EntityRecord,
    path: (s, _, ctx) => entities(ctx, s.path),
  },
  TicketCustomerImpact: {
    customer: async (c, _, ctx) => (await entity(ctx, c.id)) as EntityRecord,
    services: (c, _, ctx) => entities(ctx, c.serviceIds),
  },
  RelatedIncident: {
    incident: async (r, _, ctx) => oneOfKind('Incident', loaded(ctx, r.incidentId)),
  },
  ApplicableKnownError: {
    knownError: async (r, _, ctx) => oneOfKind('KnownError', loaded(ctx, r.knownErrorId)),
  },
  JournalEntry: {
    kind: (j) => j.kind,
  },
  QueueEntry: {
    incident: (q, _, ctx) => {
      ctx.ticketLoaders.ticket.prime(q.id, q.ticket);
      return q.ticket;
    },
    status: (q) => q.status,
    service: (q, _, ctx) => entity(ctx, q.serviceId),
    assignmentGroup: async (q, _, ctx) => (await entity(ctx, q.groupId)) as EntityRecord,
    assignee: (q, _, ctx) => entity(ctx, q.assigneeId),
  },
  Problem: {
    ...common,
    title: (t) => t.title,
    status: (t) => t.status,
    owner: (t, _, ctx) => entity(ctx, t.ownerId),
    category: (t) => str(t, 'category'),
    origin: (t) => str(t, 'origin') ?? 'PROACTIVE',
    rootCause: (t) => str(t, 'rootCause'),
    workaround: (t) => str(t, 'workaround'),
    fix: (t) => str(t, 'fix'),
    resolution: (t) => str(t, 'resolution'),
    affectedCIs: (t, _, ctx) => entities(ctx, t.ciIds),
    incidents: (t, _, ctx) => ticketsOf(ctx, backlinked(t, 'CAUSED_BY'), 'Incident'),
    knownErrors: (t, _, ctx) => ticketsOf(ctx, linked(t, 'HAS_KNOWN_ERROR'), 'KnownError'),
    changes: (t, _, ctx) => ticketsOf(ctx, backlinked(t, 'RESOLVES'), 'Change'),
  },
  KnownError: {
    number: (t) => t.number,
    title: (t) => t.title,
    rootCause: (t) => str(t, 'rootCause') ?? '',
    workaround: (t) => str(t, 'workaround'),
    fix: (t) => str(t, 'fix'),
    cis: (t, _, ctx) => entities(ctx, t.ciIds),
    ciClass: (t) => str(t, 'ciClass'),
    version: (t) => str(t, 'version'),
    problem: async (t, _, ctx) => (await ticketsOf(ctx, backlinked(t, 'HAS_KNOWN_ERROR'), 'Problem'))[0] ?? null,
    openedAt: (t) => str(t, 'openedAt') as string,
  },
  ServiceRequest: {
    ...common,
    title: (t) => t.title,
    status: (t) => t.status,
    item: async (t, _, ctx) => (await ctx.ticketLoaders.catalogItem.load(t.itemId as string))!,
    requestedFor: (t, _, ctx) => entity(ctx, t.callerId),
    approval: (t) => str(t, 'approval') ?? 'NOT_REQUIRED',
    approver: (t) => str(t, 'approver'),
    assignmentGroup: (t, _, ctx) => entity(ctx, t.groupId),
    assignee: (t, _, ctx) => entity(ctx, t.assigneeId),
    pendingReason: (t) => str(t, 'pendingReason'),
    completionCode: (t) => str(t, 'completionCode'),
    details: (t) => (t.props.details ? (JSON.parse(t.props.details as string) as unknown) : null),
  },
  CatalogItem: {
    service: async (i, _, ctx) => (await entity(ctx, i.serviceId)) as EntityRecord,
    fulfilmentGroup: (i, _, ctx) => entity(ctx, i.groupId),
  },
};
