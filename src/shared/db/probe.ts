/** Questions about the server itself: does it answer, which version is it. */
import neo4j from 'neo4j-driver';
import type { Db } from './db';

/** True when a Bolt server answers a trivial query at `uri` within `timeoutMs` (auth is not checked). */
export async function boltAnswers(uri: string, timeoutMs = 3000): Promise<boolean> {
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'unused'), {
    connectionTimeout: timeoutMs,
    logging: { level: 'error', logger: () => undefined },
  });
  try {
    await driver.executeQuery('RETURN 1');
    return true;
  } catch {
    return false;
  } finally {
    await driver.close();
  }
}

/** The Neo4j kernel version, e.g. "5.26.30". */
export async function neo4jVersion(db: Db): Promise<string> {
  const rows = await db.read(
    "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version",
    {},
    { operation: 'neo4jVersion' },
  );
  return String(rows[0]?.version ?? 'unknown');
}

/** True when the database accepts a read within the driver's timeouts. */
export async function databaseReady(db: Db): Promise<boolean> {
  try {
    await db.read('RETURN 1 AS ok', {}, { operation: 'ready' });
    return true;
  } catch {
    return false;
  }
}
