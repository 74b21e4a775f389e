/**
 * Which Neo4j the tests (and benchmarks) use, in order: NEO4J_URI when set; a testcontainers Neo4j when a Docker
 * engine answers; otherwise the local Maven-provisioned server on a free port with its own throw-away data.
 */
import { existsSync } from 'node:fs';
import { Neo4jContainer } from '@testcontainers/neo4j';
import { getContainerRuntimeClient } from 'testcontainers';
import { NEO4J_VERSION, startLocalNeo4j, stopLocalNeo4j } from '../../src/tools/neo4j-local';

export interface ProvisionedNeo4j {
  uri: string;
  user: string;
  password: string;
  kind: 'env' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

async function dockerAnswers(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000)),
    ]);
    return !!client;
  } catch {
    return false;
  }
}

export async function provisionNeo4j(options: {
  name: string;
  heap?: string;
  pageCache?: string;
  log?: (l: string) => void;
}): Promise<ProvisionedNeo4j> {
  if (process.env.NEO4J_URI) {
    return {
      uri: process.env.NEO4J_URI,
      user: process.env.NEO4J_USER ?? 'neo4j',
      password: process.env.NEO4J_PASSWORD ?? '',
      kind: 'env',
      stop: async () => undefined,
    };
  }
  if (await dockerAnswers()) {
    const container = await new Neo4jContainer(`neo4j:${NEO4J_VERSION}-community`)
      .withPassword('servicegraph-test')
      .withApoc()
      .start();
    return {
      uri: container.getBoltUri(),
      user: container.getUsername(),
      password: container.getPassword(),
      kind: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  const name = `${options.name}-${process.pid}`;
  const state = await startLocalNeo4j({
    name,
    heap: options.heap ?? '1g',
    pageCache: options.pageCache ?? '256m',
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    uri: state.uri,
    user: 'neo4j',
    password: '',
    kind: 'local',
    stop: async () => {
      await stopLocalNeo4j(name, true);
    },
  };
}
