import type { LocalNeo4jOptions } from './neo4j-local';

/** The instance `npm start` and `npm run db:*` share; its data persists between runs. */
export const DEV_INSTANCE = 'dev';

export function devInstanceOptions(): LocalNeo4jOptions {
  return {
    name: DEV_INSTANCE,
    heap: process.env.NEO4J_HEAP ?? '2g',
    pageCache: process.env.NEO4J_PAGECACHE ?? '1g',
    ...(process.env.NEO4J_PORT ? { port: Number(process.env.NEO4J_PORT) } : {}),
  };
}
