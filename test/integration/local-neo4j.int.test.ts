import { localNeo4jStatus, startLocalNeo4j } from '../../src/tools/neo4j-local';

// The launcher itself is exercised by jest's globalSetup when no NEO4J_URI and no Docker are present; these
// checks run only then (they inspect that instance).
const local = process.env.SERVICEGRAPH_TEST_NEO4J_KIND === 'local';
const name = `test-${process.env.SERVICEGRAPH_TEST_PARENT_PID ?? ''}`;

(local ? describe : describe.skip)('local Neo4j launcher', () => {
  it('reports the running test instance and makes a second start a no-op on the same process and port', async () => {
    const status = await localNeo4jStatus(name);
    expect(status.running).toBe(true);
    const again = await startLocalNeo4j({ name });
    expect(again.pid).toBe(status.state?.pid);
    expect(again.uri).toBe(process.env.NEO4J_URI);
  });
});
