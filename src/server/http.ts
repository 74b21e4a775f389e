/** GraphQL over HTTP (Apollo's standalone server): the actor comes from X-Actor / X-Actor-Roles headers. */
import { startStandaloneServer } from '@apollo/server/standalone';
import type { ApolloServer } from '@apollo/server';
import { actorFromHeaders, contextFor, createApollo } from './app';
import type { GraphQLContext, Services } from '../context';

export interface HttpServer {
  url: string;
  apollo: ApolloServer<GraphQLContext>;
  stop(): Promise<void>;
}

export async function startHttp(
  services: Services,
  options: { host: string; port: number; defaultRoles: string[] },
): Promise<HttpServer> {
  const apollo = createApollo();
  const { url } = await startStandaloneServer(apollo, {
    listen: { host: options.host, port: options.port },
    context: async ({ req }) => contextFor(services, actorFromHeaders(req.headers, options.defaultRoles)),
  });
  return { url, apollo, stop: () => apollo.stop() };
}
