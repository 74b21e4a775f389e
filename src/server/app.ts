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
import { nodeResolvers } from './node.resolvers';
import type { Resolvers } from '../generated/graphql';
import type { Actor } from '../shared/write';
import type { GraphQLContext, Services } from '../context';
import { formatError } from './format-error';
import { DateTimeScalar, JSONScalar } from './scalars';
import { loadTypeDefs } from './schema';
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
  return new ApolloServer<GraphQLContext>({
    typeDefs: loadTypeDefs(),
    resolvers: buildResolvers() as never,
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

/** Reads the actor from X-Actor (and roles from X-Actor-Roles); no header means anonymous. */
export function actorFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  defaultRoles: string[],
): Actor | null {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('x-actor')?.trim();
  if (!id) return null;
  const roles = header('x-actor-roles')
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return { id, roles: roles?.length ? roles : defaultRoles };
}

export function contextFor(services: Services, actor: Actor | null): GraphQLContext {
  return {
    actor,
    services,
    loaders: createCmdbLoaders(services.cmdb),
    ticketLoaders: createTicketLoaders(services.tickets),
    changeLoaders: createChangeLoaders(services.changes),
  };
}
