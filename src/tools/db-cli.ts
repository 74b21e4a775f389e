/** `npm run db:start | db:stop | db:status` — the local Neo4j used by `npm start` when NEO4J_URI is not set. */
import { LocalNeo4jError, localNeo4jStatus, startLocalNeo4j, stopLocalNeo4j } from './neo4j-local';
import { DEV_INSTANCE, devInstanceOptions } from './dev-instance';

async function main(command: string | undefined): Promise<number> {
  if (process.env.NEO4J_URI) {
    console.log(
      `NEO4J_URI is set (${process.env.NEO4J_URI}): that server is used; nothing to ${command ?? 'do'} here.`,
    );
    return 0;
  }
  switch (command) {
    case 'start': {
      const state = await startLocalNeo4j({ ...devInstanceOptions(), log: (l) => console.log(l) });
      console.log(state.uri);
      return 0;
    }
    case 'stop': {
      const stopped = await stopLocalNeo4j(DEV_INSTANCE);
      console.log(stopped ? `Neo4j "${DEV_INSTANCE}" stopped` : `Neo4j "${DEV_INSTANCE}" was not running`);
      return 0;
    }
    case 'status': {
      const status = await localNeo4jStatus(DEV_INSTANCE);
      console.log(status.running ? `running ${status.state?.uri} (pid ${status.state?.pid})` : 'stopped');
      return status.running ? 0 : 3;
    }
    default:
      console.error('usage: db-cli start|stop|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof LocalNeo4jError ? error.message : error);
    process.exit(1);
  },
);
