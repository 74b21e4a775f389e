/** `npm start`: Neo4j (the local one unless NEO4J_URI is set), migrations, the demo CMDB when empty, the service. */
import { loadDemo } from '../../seed/demo';
import { exitOnError, serve } from '../main';
import { countEntities } from '../modules/cmdb';
import { bootstrap } from './connect';

async function start(): Promise<void> {
  const runtime = await bootstrap();
  if (runtime.config.LOAD_DEMO && (await runtime.db.readTx((tx) => countEntities(tx))) === 0) {
    const result = await loadDemo(runtime.services);
    console.log(`demo CMDB loaded: ${result.created} records, ${result.relationsCreated} relationships`);
  }
  await serve(runtime);
}

start().catch(exitOnError);
