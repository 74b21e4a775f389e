/** GraphQL resolvers of change and release management: thin, over the change service and the loaders. */
import type { Resolvers } from '../../generated/graphql';
import type { GraphQLContext } from '../../context';
import type { EntityRecord } from '../cmdb';
import { connectionFields } from '../../shared/graphql/connection';
import type { ConnectionRecord } from '../../shared/graphql/connection';
import {
  allOfKind,
  oneOfKind,
  ofKind,
  onlyKind,
  pageOfKind,
  type TicketKind,
  type TicketOf,
  type TicketRecord,
} from '../tickets';

type Ctx = GraphQLContext;

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
/** Tickets of one kind behind these ids (a link type points at one kind). */
const ticketsOf = async <K extends TicketKind>(ctx: Ctx, ids: readonly string[], kind: K): Promise<TicketOf<K>[]> =>
  onlyKind(await tickets(ctx, ids), kind);
/** A ticket another record names by id: it exists (the record was read with it). */
const loaded = async (ctx: Ctx, id: string): Promise<TicketRecord> => {
  const t = await ctx.ticketLoaders.ticket.load(id);
  if (!t) throw new Error(`ticket ${id} vanished`);
  return t;
};
/** A page's tickets answer later loads of the same ids in this request. */
const primed = async <T extends TicketRecord>(
  ctx: Ctx,
  page: Promise<ConnectionRecord<T>>,
): Promise<ConnectionRecord<T>> => {
  const c = await page;
  for (const t of c.nodes) ctx.ticketLoaders.ticket.prime(t.id, t);
  return c;
};

/** Fields a change shares with every ticket kind. */
const common = {
  number: (t: TicketRecord) => t.number,
  description: (t: TicketRecord) => str(t, 'description'),
  openedBy: (t: TicketRecord) => str(t, 'openedBy') ?? 'unknown',
  openedAt: (t: TicketRecord) => str(t, 'openedAt') as string,
  updatedAt: (t: TicketRecord) => str(t, 'updatedAt') as string,
  workNotes: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'WORK_NOTE'),
  comments: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'COMMENT'),
  transitions: (t: TicketRecord, _: unknown, ctx: Ctx) => journal(ctx, t, 'TRANSITION'),
  affectedServices: (t: TicketRecord) => t.services,
  affectedCustomers: (t: TicketRecord) => t.customers,
};

export const changeResolvers: Resolvers = {
  Query: {
    change: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'Change'),
    changes: (_, { status, first }, ctx) => allOfKind('Change', ctx.services.changes.list(status, first)),
    changesConnection: (_, { first, after, status }, ctx) =>
      primed(ctx, pageOfKind('Change', ctx.services.changes.connection(status, { first, after }))),
    changeSchedule: (_, { from, to }, ctx) => ctx.services.changes.schedule(from, to),
    release: async (_, { id }, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(id), 'Release'),
    releases: (_, { first }, ctx) => allOfKind('Release', ctx.services.changes.releases(first)),
    releasesConnection: (_, { first, after }, ctx) =>
      primed(ctx, pageOfKind('Release', ctx.services.changes.releasesConnection({ first, after }))),
    ciReleases: (_, { ciId }, ctx) => ctx.services.changes.ciReleases(ciId),
  },
  Mutation: {
    createChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.createChange(ctx.actor, input)),
    updateChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.updateChange(ctx.actor, input)),
    setWorkOrder: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.setWorkOrder(ctx.actor, input)),
    submitChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.submit(ctx.actor, input)),
    approveChange: (_, { input }, ctx) =>
      oneOfKind('Change', ctx.services.changes.decide(ctx.actor, input, 'APPROVED')),
    rejectChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.decide(ctx.actor, input, 'REJECTED')),
    scheduleChange: (_, { id }, ctx) => oneOfKind('Change', ctx.services.changes.scheduleChange(ctx.actor, id)),
    startChange: (_, { id }, ctx) => oneOfKind('Change', ctx.services.changes.start(ctx.actor, id)),
    completeChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.complete(ctx.actor, input)),
    closeChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.close(ctx.actor, input)),
    cancelChange: (_, { input }, ctx) => oneOfKind('Change', ctx.services.changes.cancel(ctx.actor, input)),
    createBlackoutWindow: (_, { input }, ctx) => ctx.services.changes.createBlackout(ctx.actor, input),
    createRelease: (_, { input }, ctx) => oneOfKind('Release', ctx.services.changes.createRelease(ctx.actor, input)),
    deployRelease: (_, { input }, ctx) => oneOfKind('Release', ctx.services.changes.deploy(ctx.actor, input)),
  },
  ChangeConnection: connectionFields,
  ReleaseConnection: connectionFields,
  Change: {
    ...common,
    title: (t) => t.title,
    type: (t) => t.type,
    status: (t) => t.status,
    plannedStart: (t) => str(t, 'plannedStart'),
    plannedEnd: (t) => str(t, 'plannedEnd'),
    cis: (t, _, ctx) => entities(ctx, t.ciIds),
    risk: (t) => t.risk,
    workOrders: (t, _, ctx) => ctx.changeLoaders.workOrders.load(t.id),
    missingWorkOrders: async (t, _, ctx) => {
      const present = new Set((await ctx.changeLoaders.workOrders.load(t.id)).map((w) => w.kind));
      return (
        ['RISK_ASSESSMENT', 'TEST_PLAN', 'ROLLBACK_PLAN', 'IMPLEMENTATION_PLAN', 'AUTHORIZATION'] as const
      ).filter((k) => !present.has(k));
    },
    approvals: (t, _, ctx) => ctx.changeLoaders.approvals.load(t.id),
    conflicts: (t, _, ctx) => ctx.services.changes.conflicts(t),
    blackouts: (t, _, ctx) => ctx.services.changes.blackouts(t),
    problems: (t, _, ctx) => ticketsOf(ctx, linked(t, 'RESOLVES'), 'Problem'),
    releases: (t, _, ctx) => ticketsOf(ctx, backlinked(t, 'INCLUDES'), 'Release'),
    outcome: (t) => t.outcome,
    outcomeNotes: (t) => str(t, 'outcomeNotes'),
    review: (t) => str(t, 'review'),
    cmdbUpdates: async (t, _, ctx) => {
      const under = await ctx.services.changes.revisionsUnder(t.id);
      const byCI = new Map<string, number[]>();
      for (const u of under) byCI.set(u.ciId, [...(byCI.get(u.ciId) ?? []), u.revision]);
      const out = [];
      for (const [ciId, revisions] of byCI)
        out.push(...(await ctx.services.history.ciHistory(ciId)).filter((r) => revisions.includes(r.revision)));
      return out;
    },
  },
  WorkOrder: {
    kind: (w) => w.kind,
  },
  Approval: {
    state: (a) => a.state,
  },
  BlackoutWindow: {
    cis: (b, _, ctx) => entities(ctx, b.ciIds),
  },
  ChangeSchedule: {
    changes: (s, _, ctx) => ticketsOf(ctx, s.changeIds, 'Change'),
    blackouts: (s) => s.blackouts,
  },
  ChangeConflict: {
    change: async (c, _, ctx) => ofKind(await ctx.ticketLoaders.ticket.load(c.changeId), 'Change'),
  },
  Release: {
    number: (t) => t.number,
    name: (t) => t.title,
    version: (t) => str(t, 'version') as string,
    pack: (t) => (t.props.pack as string[] | null) ?? [],
    changes: (t, _, ctx) => ticketsOf(ctx, linked(t, 'INCLUDES'), 'Change'),
    cis: (t, _, ctx) => entities(ctx, t.ciIds),
    deployments: (t, _, ctx) => ctx.changeLoaders.deployments.load(t.id),
    environment: (t) => (t.status === 'PLANNED' ? null : t.status),
    openedBy: (t) => str(t, 'openedBy') ?? 'unknown',
    openedAt: (t) => str(t, 'openedAt') as string,
  },
  Deployment: {
    environment: (d) => d.environment,
    release: (d, _, ctx) => oneOfKind('Release', loaded(ctx, d.releaseId)),
    change: async (d, _, ctx) =>
      d.changeId ? ofKind(await ctx.ticketLoaders.ticket.load(d.changeId), 'Change') : null,
    cis: (d, _, ctx) => entities(ctx, d.ciIds),
  },
};
