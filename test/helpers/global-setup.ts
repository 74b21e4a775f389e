import { provisionNeo4j, type ProvisionedNeo4j } from './test-neo4j';

declare global {
  var __SERVICEGRAPH_NEO4J__: ProvisionedNeo4j | undefined;
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const neo4j = await provisionNeo4j({ name: 'test' });
  globalThis.__SERVICEGRAPH_NEO4J__ = neo4j;
  // Test files run in workers started after this: they inherit these variables.
  process.env.NEO4J_URI = neo4j.uri;
  process.env.NEO4J_USER = neo4j.user;
  process.env.NEO4J_PASSWORD = neo4j.password;
  process.env.SERVICEGRAPH_TEST_NEO4J_KIND = neo4j.kind;
  process.env.SERVICEGRAPH_TEST_PARENT_PID = String(process.pid);
  console.log(
    `\nNeo4j for tests (${neo4j.kind}): ${neo4j.uri}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
