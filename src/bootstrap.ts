/** Opens the runtime on a running Neo4j: driver, migrations, services. Starting a local server is tools/' job. */
import type { Config } from './config';
import type { Services } from './context';
import { MIGRATIONS_DIR } from './paths';
import { buildServices } from './server/services';
import { createDriver, Db, migrate } from './shared/db';

export interface Runtime {
  config: Config;
  db: Db;
  services: Services;
}

/** A Db on `uri` (the configured NEO4J_URI unless given), connectivity checked. */
export async function openDb(config: Config, uri = config.NEO4J_URI): Promise<Db> {
  if (!uri) throw new Error('NEO4J_URI is not set: point it at a Neo4j 5.26 server (npm start starts a local one)');
  const db = new Db(
    createDriver({ uri, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD }),
    config.NEO4J_DATABASE,
    { defaultMs: config.NEO4J_TX_TIMEOUT_MS, bulkMs: config.NEO4J_IMPORT_TX_TIMEOUT_MS },
  );
  await db.driver.verifyConnectivity();
  return db;
}

/** Migrations applied, services built. */
export async function openRuntime(config: Config, db: Db, log: (line: string) => void = console.log): Promise<Runtime> {
  const report = await migrate(db, MIGRATIONS_DIR, { log });
  log(`migrations: ${report.applied.length} applied, ${report.alreadyApplied} already applied`);
  const services = buildServices(db, config);
  const sealed = await services.audit.sealUnsequenced();
  if (sealed) log(`audit log: ${sealed} earlier entries given sequence numbers and leaf hashes`);
  return { config, db, services };
}
