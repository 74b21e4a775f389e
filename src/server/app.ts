/** Apollo Server over the composed schema; `contextFor` builds the per-request context (actor, loaders). */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { createCmdbLoaders } from '../modules/cmdb/cmdb.loaders';
import { cmdbResolvers } from '../modules/cmdb/cmdb.resolvers';
import { contactsResolvers } from '../modules/cmdb/contacts.resolvers';
import { analysisResolvers } from '../modules/analysis/analysis.resolvers';
import { historyResolvers } from '../modules/history/history.resolvers';
import { createTicketLoaders } from '../modules/tickets/tickets.loaders';
import { ticketResolvers } from '../modules/tickets/tickets.resolvers';
import { createChangeLoaders } from '../modules/change/change.loaders';
import { changeResolvers } from '../modules/change/change.resolvers';
import { auditResolvers } from '../modules/audit/audit.resolvers';
import { identityResolvers } from '../modules/identity/identity.resolvers';
import { nodeResolvers } from './node.resolvers';
import type { Resolvers } from '../generated/graphql';
import type { Actor } from '../shared/write';
import { asPrincipal, type Principal } from '../shared/auth';
import type { GraphQLContext, Services } from '../context';
import { formatError } from './format-error';
import { DateTimeScalar, JSONScalar } from './scalars';
import { loadTypeDefs } from './schema';
import { withReadPolicy } from './policy';
import { armorOptions, DEFAULT_GRAPHQL_LIMITS, type GraphQLLimits } from './armor';

export const SERVICE_VERSION = '0.1.0';

export function buildResolvers(): Resolvers[] {
  const common: Resolvers = {
    DateTime: DateTimeScalar,
    JSON: JSONScalar,
    Query: {
      serverInfo: async (_, __, ctx) => ({
        version: SERVICE_VERSION,
        neo4jVersion: await ctx.services.system.neo4jVersion(),
      }),
    },
  };
  return [
    common,
    nodeResolvers,
    cmdbResolvers,
    contactsResolvers,
    analysisResolvers,
    historyResolvers,
    ticketResolvers,
    changeResolvers,
    auditResolvers,
    identityResolvers,
  ];
}

/**
 * The Apollo server; `plugins` adds host-specific ones (the HTTP host's drain plugin), `limits` the document limits
 * checked before any resolver runs (src/server/armor.ts).
 */
export function createApollo(
  plugins: ApolloServerPlugin<GraphQLContext>[] = [],
  limits: GraphQLLimits = DEFAULT_GRAPHQL_LIMITS,
): ApolloServer<GraphQLContext> {
  const armor = armorOptions(limits);
  const typeDefs = loadTypeDefs();
  return new ApolloServer<GraphQLContext>({
    typeDefs,
    // The read policy (src/server/policy.ts) wraps the fields its rules cover, once, here.
    // Codegen's Resolvers types each field by its GraphQL parent; Apollo's constructor takes its own looser map.
    resolvers: withReadPolicy(typeDefs, buildResolvers()) as never,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Introspection follows GRAPHQL_INTROSPECTION whatever NODE_ENV says (Apollo's default turns it off under
    // production); field suggestions follow GRAPHQL_FIELD_SUGGESTIONS.
    ...armor,
    // No cache hints are used; the cache-control plugin would otherwise wrap every field resolver (a hub's impact
    // answer resolves tens of thousands of fields).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ...armor.plugins,
      ...plugins,
    ],
  });
}

/** The context of one request; a bare Actor (in-process callers) becomes a user principal of no organization. */
export function contextFor(services: Services, actor: Principal | Actor | null): GraphQLContext {
  return {
    actor: actor ? asPrincipal(actor) : null,
    services,
    loaders: createCmdbLoaders(services.cmdb),
    ticketLoaders: createTicketLoaders(services.tickets),
    changeLoaders: createChangeLoaders(services.changes),
  };
}
