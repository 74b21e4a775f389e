/**
 * The service: migrations, then GraphQL over HTTP on a running Neo4j (NEO4J_URI). `npm start` runs it through
 * src/tools/start.ts, which first starts a local Neo4j when NEO4J_URI is unset and loads the demo CMDB.
 */
import { openDb, openRuntime, type Runtime } from './bootstrap';
import { loadConfig } from './config';
import { startHttp, type HttpServer } from './server/http';
import { httpLimitsFrom } from './server/http-guards';

/** Serves `runtime` over HTTP until SIGINT or SIGTERM, then closes the HTTP server and the driver. */
export async function serve(runtime: Runtime): Promise<HttpServer> {
  const { config, db, services } = runtime;
  const http = await startHttp(services, {
    host: config.HOST,
    port: config.PORT,
    limits: httpLimitsFrom(config),
  });
  console.log(
    `ServiceGraph GraphQL ready at ${http.url}  (send Authorization: Bearer <token>; ${
      services.identity.usesOidc ? `tokens from ${config.AUTH_ISSUER}` : 'npm run token -- --subject you --roles admin'
    })`,
  );
  services.audit.startTreeHeadTimer(config.AUDIT_TREE_HEAD_INTERVAL_MINUTES);
  const shutdown = async (): Promise<void> => {
    services.audit.stopTreeHeadTimer();
    await http.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  return http;
}

export function exitOnError(error: unknown): never {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

if (require.main === module) {
  const config = loadConfig();
  openDb(config)
    .then((db) => openRuntime(config, db))
    .then(serve)
    .catch(exitOnError);
}
