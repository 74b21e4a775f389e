/** `npm start`: Neo4j (local unless NEO4J_URI), migrations, demo data when empty, then GraphQL over HTTP. */
import { bootstrap } from './bootstrap';
import { countEntities } from './modules/cmdb';
import { startHttp } from './server/http';
import { loadDemo } from '../seed/demo';

async function main(): Promise<void> {
  const { config, db, services } = await bootstrap();
  if (config.LOAD_DEMO && (await db.readTx((tx) => countEntities(tx))) === 0) {
    const result = await loadDemo(services);
    console.log(`demo CMDB loaded: ${result.created} records, ${result.relationsCreated} relationships`);
  }
  const http = await startHttp(services, { host: config.HOST, port: config.PORT, defaultRoles: config.defaultRoles });
  console.log(`ServiceGraph GraphQL ready at ${http.url}  (writes need an X-Actor header)`);
  const shutdown = async (): Promise<void> => {
    await http.stop();
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
