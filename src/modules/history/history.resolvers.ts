/** GraphQL resolvers of history, baselines and diffs. */
import type { RelationshipTypeName, Resolvers } from '../../generated/graphql';

export const historyResolvers: Resolvers = {
  Query: {
    ciHistory: (_, { id }, ctx) => ctx.services.history.ciHistory(id),
    baseline: async (_, { id }, ctx) => (await ctx.services.history.baselines([id]))[0] ?? null,
    baselines: (_, __, ctx) => ctx.services.history.baselines(),
    verifyBaseline: (_, { id }, ctx) => ctx.services.history.verify(id),
    baselineDiff: (_, { from, to }, ctx) => ctx.services.history.diff(from, to),
    drift: (_, { baselineId }, ctx) => ctx.services.history.diff({ baselineId }, {}),
    cmdbHealth: (_, { scope, staleDays, baselineId, sample }, ctx) =>
      ctx.services.history.health(scope, staleDays, baselineId, sample),
  },
  Mutation: {
    createBaseline: (_, { input }, ctx) => ctx.services.history.createBaseline(ctx.actor, input),
  },
  CIRevision: {
    ci: (r) => r.entity,
    change: async (r, _, ctx) => {
      const t = r.changeId ? await ctx.ticketLoaders.ticket.load(r.changeId) : null;
      return t?.kind === 'Change' ? t : null;
    },
  },
  CI: {
    unauthorizedChanges: (ci, _, ctx) => (ci.kind === 'ci' ? ctx.services.history.unauthorizedChanges(ci.id) : []),
  },
  RelationshipSnapshot: {
    type: (r) => r.type as RelationshipTypeName,
  },
};
