/**
 * The HTTP host (Fastify): GraphQL at /graphql (GET and POST; `/` redirects there), liveness at /healthz and
 * readiness at /readyz. Every other route needs a principal (authenticate.ts: bearer token, API key or session
 * cookie; sign-in at /auth/login). CORS, the rate limit and the body limit are http-guards.ts's; the GraphQL document
 * limits armor.ts's.
 */
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { GraphQLContext, Services } from '../context';
import { contextFor, createApollo } from './app';
import { registerAuthRoutes, requirePrincipals, resolvePrincipals } from './authenticate';
import { DEFAULT_HTTP_LIMITS, registerGuards, type HttpLimits } from './http-guards';

export const GRAPHQL_PATH = '/graphql';

export interface HttpServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** The host's origin, e.g. http://127.0.0.1:4000 */
  origin: string;
  apollo: ApolloServer<GraphQLContext>;
  stop(): Promise<void>;
}

export async function startHttp(
  services: Services,
  options: {
    host: string;
    port: number;
    limits?: HttpLimits;
    /** Further Apollo plugins (tests count resolver calls with one). */
    plugins?: ApolloServerPlugin<GraphQLContext>[];
  },
): Promise<HttpServer> {
  const limits = options.limits ?? DEFAULT_HTTP_LIMITS;
  const app = Fastify({ bodyLimit: limits.bodyLimitBytes, logger: false });
  let origin = '';
  if (!services.identity.usesOidc) await services.identity.signingKey(); // a bad key file fails the start
  resolvePrincipals(app, services.identity);
  await registerGuards(app, limits, {
    principalOf: (request) => request.principal?.id,
    ownOrigin: () => origin,
  });
  requirePrincipals(app);
  registerAuthRoutes(app, services.identity);
  const apollo = createApollo([fastifyApolloDrainPlugin(app), ...(options.plugins ?? [])], limits.graphql);
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    path: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    context: async (request) => contextFor(services, request.principal),
  });
  app.get('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH, 308));
  app.post('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH, 308));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await services.system.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unavailable' });
  });
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return {
    url: `${origin}${GRAPHQL_PATH}`,
    origin,
    apollo,
    stop: async () => {
      await app.close();
    },
  };
}
