/** Apollo Server over the composed schema; `contextFor` builds the per-request context (actor, loaders). */
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { createCmdbLoaders } from '../modules/cmdb/cmdb.loaders';
import { cmdbResolvers } from '../modules/cmdb/cmdb.resolvers';
import { analysisResolvers } from '../modules/analysis/analysis.resolvers';
import { historyResolvers } from '../modules/history/history.resolvers';
import { createTicketLoaders } from '../modules/servicedesk/servicedesk.loaders';
import { servicedeskResolvers } from '../modules/servicedesk/servicedesk.resolvers';
import type { Resolvers } from '../generated/graphql';
import type { Actor } from '../shared/write';
import type { GraphQLContext, Services } from '../context';
import { formatError } from './format-error';
import { DateTimeScalar, JSONScalar } from './scalars';
import { loadTypeDefs } from './schema';
import { depthLimit } from './limits';

export const SERVICE_VERSION = '0.1.0';

export function buildResolvers(): Resolvers[] {
  const common: Resolvers = {
    DateTime: DateTimeScalar,
    JSON: JSONScalar,
    Query: {
      serverInfo: async (_, __, ctx) => {
        const rows = await ctx.services.db.read(
          "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version",
        );
        return { version: SERVICE_VERSION, neo4jVersion: String(rows[0]?.version ?? 'unknown') };
      },
    },
  };
  return [common, cmdbResolvers, analysisResolvers, historyResolvers, servicedeskResolvers];
}

export function createApollo(): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    typeDefs: loadTypeDefs(),
    resolvers: buildResolvers() as never,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimit(12)],
    // Frontends and integrations generate their types from the schema: introspection stays on whatever NODE_ENV
    // says (Apollo turns it off under production by default).
    introspection: true,
    // No cache hints are used; the cache-control plugin would otherwise wrap every field resolver (a hub's impact
    // answer resolves tens of thousands of fields).
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
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
    loaders: createCmdbLoaders(services.db),
    ticketLoaders: createTicketLoaders(services.tickets, services.changes),
  };
}
