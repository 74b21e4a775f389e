/** `npm start`: Neo4j (local unless NEO4J_URI), migrations, demo data when empty, then GraphQL over HTTP. */
import { startStandaloneServer } from '@apollo/server/standalone';
import { bootstrap } from './bootstrap';
import { countEntities } from './modules/cmdb';
import { actorFromHeaders, contextFor, createApollo } from './server/app';
import { loadDemo } from '../seed/demo';

async function main(): Promise<void> {
  const runtime = await bootstrap();
  const { config, db, services } = runtime;
  if (config.LOAD_DEMO && (await db.readTx((tx) => countEntities(tx))) === 0) {
    const result = await loadDemo(services);
    console.log(`demo CMDB loaded: ${result.created} records, ${result.relationsCreated} relationships`);
  }
  const apollo = createApollo();
  const { url } = await startStandaloneServer(apollo, {
    listen: { host: config.HOST, port: config.PORT },
    context: async ({ req }) => contextFor(services, actorFromHeaders(req.headers, config.defaultRoles)),
  });
  console.log(`ServiceGraph GraphQL ready at ${url}`);
  const shutdown = async (): Promise<void> => {
    await apollo.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
