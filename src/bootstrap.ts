/** Connects to Neo4j (starting the local one when NEO4J_URI is unset) and applies migrations. */
import { join } from 'node:path';
import { loadConfig, type Config } from './config';
import { createDriver, Db, migrate } from './shared/db';
import { PROJECT_ROOT, startLocalNeo4j } from './tools/neo4j-local';
import { devInstanceOptions } from './tools/dev-instance';
import { buildServices } from './server/services';
import type { Services } from './context';

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

export interface Runtime {
  config: Config;
  db: Db;
  services: Services;
}

export async function connect(log: (line: string) => void = console.log): Promise<{ config: Config; db: Db }> {
  const config = loadConfig();
  let uri = config.NEO4J_URI;
  if (!uri) {
    const state = await startLocalNeo4j({ ...devInstanceOptions(), log });
    uri = state.uri;
  }
  const db = new Db(
    createDriver({ uri, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD }),
    config.NEO4J_DATABASE,
  );
  await db.driver.verifyConnectivity();
  return { config, db };
}

export async function bootstrap(log: (line: string) => void = console.log): Promise<Runtime> {
  const { config, db } = await connect(log);
  const report = await migrate(db, MIGRATIONS_DIR, { log });
  log(`migrations: ${report.applied.length} applied, ${report.alreadyApplied} already applied`);
  return { config, db, services: buildServices(db, config) };
}
