/**
 * Per-file test harness: a Db on the test Neo4j (migrated), services, an in-process Apollo server, and
 * `reset()` which empties the graph but keeps constraints, indexes and the migration ledger.
 */
import type { GraphQLFormattedError } from 'graphql';
import neo4j from 'neo4j-driver';
import { MIGRATIONS_DIR } from '../../src/paths';
import { createDriver, Db, migrate } from '../../src/shared/db';
import { contextFor, createApollo } from '../../src/server/app';
import { buildServices } from '../../src/server/services';
import type { Services } from '../../src/context';
import type { Actor } from '../../src/shared/write';

export const EDITOR: Actor = { id: 'test-editor', roles: ['editor'] };
export const ADMIN: Actor = { id: 'test-admin', roles: ['admin'] };
export const VIEWER: Actor = { id: 'test-viewer', roles: ['viewer'] };

export interface GqlResult<T = Record<string, unknown>> {
  data: T | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
}

export interface Harness {
  db: Db;
  services: Services;
  /** Runs an operation in-process through Apollo (parsing, validation, resolvers, formatError). */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    actor?: Actor | null,
  ): Promise<GqlResult<T>>;
  /** Like gql, but fails the test on errors and returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, actor?: Actor | null): Promise<T>;
  /** Runs raw Cypher (test setup and assertions only). */
  cypher(statement: string, params?: Record<string, unknown>): Promise<Record<string, any>[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error('NEO4J_URI is not set: jest globalSetup provisions Neo4j');
  const db = new Db(
    createDriver({ uri, user: process.env.NEO4J_USER ?? 'neo4j', password: process.env.NEO4J_PASSWORD ?? '' }),
  );
  await migrate(db, MIGRATIONS_DIR);
  const services = buildServices(db, { sourcePrecedence: ['manual', 'discovery', 'import'] });
  const apollo = createApollo();
  await apollo.start();
  const gql: Harness['gql'] = async (query, variables = {}, actor = EDITOR) => {
    const response = await apollo.executeOperation({ query, variables }, { contextValue: contextFor(services, actor) });
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    return { data: response.body.singleResult.data as never, errors: response.body.singleResult.errors };
  };
  const harness: Harness = {
    db,
    services,
    gql,
    ok: async (query, variables, actor) => {
      const result = await gql(query, variables, actor);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as never;
    },
    cypher: async (statement, params = {}) => {
      const session = db.driver.session();
      try {
        const result = await session.run(statement, params);
        return result.records.map((r) => {
          const o = r.toObject() as Record<string, unknown>;
          for (const [k, v] of Object.entries(o))
            if (neo4j.isInt(v as never)) o[k] = (v as { toNumber(): number }).toNumber();
          return o as Record<string, any>;
        });
      } finally {
        await session.close();
      }
    },
    reset: async () => {
      const session = db.driver.session();
      try {
        await session.run('MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
      } finally {
        await session.close();
      }
      await services.registries.refresh();
    },
    close: async () => {
      await apollo.stop();
      await db.close();
    },
  };
  return harness;
}

/** The error code of the first GraphQL error. */
export function codeOf(result: GqlResult<unknown>): unknown {
  return result.errors?.[0]?.extensions?.code;
}
