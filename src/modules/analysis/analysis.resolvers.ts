/** GraphQL resolvers of the analyses: records carry ids; CIs resolve through the request's DataLoader. */
import type { GraphQLResolveInfo } from 'graphql';
import { onlySummary, selects } from '../../shared/graphql/lookahead';
import type { RelationshipTypeName, Resolvers } from '../../generated/graphql';
import type { GraphQLContext } from '../../context';
import { summaryEntity, type EntityRecord } from '../cmdb';
import type { CISummary, Summaries } from './analysis.service';

async function ci(ctx: GraphQLContext, id: string): Promise<EntityRecord> {
  const entity = await ctx.loaders.entity.load(id);
  if (!entity) throw new Error(`CI ${id} vanished during the analysis`);
  return entity;
}

async function cis(ctx: GraphQLContext, ids: readonly string[]): Promise<EntityRecord[]> {
  return Promise.all(ids.map((id) => ci(ctx, id)));
}

function summaryRecord(id: string, s: CISummary): EntityRecord {
  return summaryEntity(id, s.party ? 'party' : 'ci', s.class, s.name, s.status);
}

/**
 * A CI of an analysis answer: when the query asks only for what the closure already returned (id, class, name,
 * status), it is answered from there — a hub's thousands of affected CIs then cost no second round trip.
 */
function analysed(
  ctx: GraphQLContext,
  id: string,
  own: CISummary | undefined,
  summaries: Summaries | undefined,
  info: GraphQLResolveInfo,
): Promise<EntityRecord> | EntityRecord {
  const s = own ?? summaries?.get(id);
  return s && onlySummary(info) ? summaryRecord(id, s) : ci(ctx, id);
}

function analysedList(
  ctx: GraphQLContext,
  ids: readonly string[],
  summaries: Summaries | undefined,
  info: GraphQLResolveInfo,
): Promise<EntityRecord[]> | EntityRecord[] {
  if (summaries && ids.every((id) => summaries.has(id)) && onlySummary(info))
    return ids.map((id) => summaryRecord(id, summaries.get(id) as CISummary));
  return cis(ctx, ids);
}

export const analysisResolvers: Resolvers = {
  Query: {
    impactAnalysis: (_, { input }, ctx) => ctx.services.analysis.impact(input),
    dependencies: (_, { ciId, maxDepth, asOf }, ctx, info) => {
      const relationship = selects(info, 'relationship');
      return ctx.services.analysis.dependencies(ciId, maxDepth, asOf, { edgeTimes: relationship, relationship });
    },
    changeImpact: (_, { input }, ctx) => ctx.services.analysis.changeImpact(input),
    rootCauseCandidates: (_, { input }, ctx) => ctx.services.analysis.rootCause(input),
  },
  ImpactResult: {
    affectedCIs: (r) => r.affected,
    affectedServices: (r) => r.services,
    affectedCustomers: (r) => r.customers,
  },
  AffectedCI: {
    ci: (a, _, ctx, info) => analysed(ctx, a.id, a.summary, a.summaries, info),
    path: (a, _, ctx, info) => analysedList(ctx, a.path, a.summaries, info),
    via: (a) => a.via as RelationshipTypeName | null,
  },
  AffectedService: {
    service: (a, _, ctx, info) => analysed(ctx, a.id, a.summary, a.summaries, info),
    path: (a, _, ctx, info) => analysedList(ctx, a.path, a.summaries, info),
  },
  AffectedCustomer: {
    customer: (c, _, ctx, info) => analysed(ctx, c.customerId, c.summary, undefined, info),
  },
  Dependency: {
    ci: (d, _, ctx, info) => analysed(ctx, d.ciId, d.summary, undefined, info),
    relationship: (d) => ({ ...d.relationship, selfId: d.ciId }),
  },
  RootCauseCandidate: {
    ci: (c, _, ctx, info) => analysed(ctx, c.ciId, undefined, c.summaries, info),
    explains: (c, _, ctx, info) => analysedList(ctx, c.explains, c.summaries, info),
  },
  SymptomPath: {
    symptom: (p, _, ctx, info) => analysed(ctx, p.symptomId, undefined, p.summaries, info),
    path: (p, _, ctx, info) => analysedList(ctx, p.path, p.summaries, info),
    types: (p) => p.types as RelationshipTypeName[],
  },
};
