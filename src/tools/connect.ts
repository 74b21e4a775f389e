/**
 * How the command-line tools and `npm start` reach Neo4j: NEO4J_URI when set, otherwise the local
 * Maven-provisioned instance, started when it is not running.
 */
import { loadConfig } from '../config';
import { openDb, openRuntime, type Runtime } from '../bootstrap';
import type { Db } from '../shared/db';
import type { Config } from '../config';
import { devInstanceOptions } from './dev-instance';
import { startLocalNeo4j } from './neo4j-local';

export async function connect(log: (line: string) => void = console.log): Promise<{ config: Config; db: Db }> {
  const config = loadConfig();
  const uri = config.NEO4J_URI ?? (await startLocalNeo4j({ ...devInstanceOptions(), log })).uri;
  return { config, db: await openDb(config, uri) };
}

/** connect(), then migrations and services. */
export async function bootstrap(log: (line: string) => void = console.log): Promise<Runtime> {
  const { config, db } = await connect(log);
  return openRuntime(config, db, log);
}
