/** GraphQL resolvers of the audit log: pages, proofs and tree heads; the service checks who may read. */
import type { Resolvers } from '../../generated/graphql';

export const auditResolvers: Resolvers = {
  Query: {
    auditLog: (_, { filter, first, after }, ctx) => ctx.services.audit.auditLog(ctx.actor, filter ?? {}, first, after),
    auditProof: (_, { sequence, treeSize }, ctx) => ctx.services.audit.proof(ctx.actor, sequence, treeSize),
    auditConsistency: (_, { fromSize, toSize }, ctx) => ctx.services.audit.consistency(ctx.actor, fromSize, toSize),
    auditTreeHead: (_, __, ctx) => ctx.services.audit.treeHead(ctx.actor),
  },
  Mutation: {
    signAuditTreeHead: (_, __, ctx) => ctx.services.audit.signTreeHead(ctx.actor),
  },
  AuditEntryConnection: {
    totalCount: (c) => c.totalCount(),
  },
};
