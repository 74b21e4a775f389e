/** GraphQL resolvers of the analyses: records carry ids; CIs resolve through the request's DataLoader. */
import type { RelationshipTypeName, Resolvers } from '../../generated/graphql';
import type { GraphQLContext } from '../../server/context';
import type { EntityRecord } from '../cmdb';

async function ci(ctx: GraphQLContext, id: string): Promise<EntityRecord> {
  const entity = await ctx.loaders.entity.load(id);
  if (!entity) throw new Error(`CI ${id} vanished during the analysis`);
  return entity;
}

async function cis(ctx: GraphQLContext, ids: readonly string[]): Promise<EntityRecord[]> {
  return Promise.all(ids.map((id) => ci(ctx, id)));
}

export const analysisResolvers: Resolvers = {
  Query: {
    impactAnalysis: (_, { input }, ctx) => ctx.services.analysis.impact(input),
    dependencies: (_, { ciId, maxDepth, asOf }, ctx) => ctx.services.analysis.dependencies(ciId, maxDepth, asOf),
    changeImpact: (_, { input }, ctx) => ctx.services.analysis.changeImpact(input),
    rootCauseCandidates: (_, { input }, ctx) => ctx.services.analysis.rootCause(input),
  },
  ImpactResult: {
    affectedCIs: (r) => r.affected,
    affectedServices: (r) => r.services,
    affectedCustomers: (r) => r.customers,
  },
  AffectedCI: {
    ci: (a, _, ctx) => ci(ctx, a.id),
    path: (a, _, ctx) => cis(ctx, a.path),
    via: (a) => a.via as RelationshipTypeName | null,
  },
  AffectedService: {
    service: (a, _, ctx) => ci(ctx, a.id),
    path: (a, _, ctx) => cis(ctx, a.path),
  },
  AffectedCustomer: {
    customer: (c, _, ctx) => ci(ctx, c.customerId),
  },
  Dependency: {
    ci: (d, _, ctx) => ci(ctx, d.ciId),
    relationship: (d) => ({ ...d.relationship, selfId: d.ciId }),
  },
  RootCauseCandidate: {
    ci: (c, _, ctx) => ci(ctx, c.ciId),
    explains: (c, _, ctx) => cis(ctx, c.explains),
  },
  SymptomPath: {
    symptom: (p, _, ctx) => ci(ctx, p.symptomId),
    path: (p, _, ctx) => cis(ctx, p.path),
    types: (p) => p.types as RelationshipTypeName[],
  },
};
