/**
 * A real Neo4j Community 5.26 server started from Maven Central jars, for machines without Docker.
 *
 * Layout (all gitignored, under <project>/.neo4j):
 *   lib/                    jars copied by `mvn -f neo4j/pom.xml package` (fetched once, then reused)
 *   instances/<name>/       conf/neo4j.conf, data/, logs/, run/, state.json ({pid, port, uri})
 *
 * The server is launched through its entry point, not Neo4j's shell launcher, so heap flags are passed to the
 * JVM here and the page cache is set in neo4j.conf. Auth is disabled: the server listens on 127.0.0.1 only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths';
import { boltAnswers } from '../shared/db';

export const NEO4J_VERSION = '5.26.30';
/** APOC core, for path expansion in impact analysis (neo4j/pom.xml pins the same). */
export const APOC_VERSION = '5.26.19';

const HOME = join(PROJECT_ROOT, '.neo4j');
const LIB = join(HOME, 'lib');
const PLUGINS = join(HOME, 'plugins');
const POM = join(PROJECT_ROOT, 'neo4j', 'pom.xml');

export interface LocalNeo4jOptions {
  /** Instance name: its own folder of config, data and logs. */
  name: string;
  /** Bolt port; a free one is chosen when omitted (and kept in state.json for the next start). */
  port?: number;
  heap?: string;
  pageCache?: string;
  /** Print progress lines (fetching jars, starting, ready). */
  log?: (line: string) => void;
}

export interface LocalNeo4jState {
  pid: number;
  port: number;
  uri: string;
  home: string;
}

export class LocalNeo4jError extends Error {}

function instanceDir(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new LocalNeo4jError(`invalid instance name "${name}"`);
  return join(HOME, 'instances', name);
}

function readState(name: string): LocalNeo4jState | undefined {
  const file = join(instanceDir(name), 'state.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LocalNeo4jState;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Fetches the Neo4j jars with Maven once; later calls reuse the cache. */
export function ensureJars(log: (line: string) => void = () => undefined): void {
  const marker = join(LIB, `.complete-${NEO4J_VERSION}-apoc-${APOC_VERSION}`);
  if (existsSync(marker)) return;
  for (const tool of ['java', 'mvn']) {
    const probe = spawnSync(tool, ['-version'], { stdio: 'ignore' });
    if (probe.error) throw new LocalNeo4jError(`"${tool}" is not on PATH: install Java 17 and Maven, or set NEO4J_URI`);
  }
  log(`fetching Neo4j ${NEO4J_VERSION} jars from Maven Central (once) ...`);
  rmSync(LIB, { recursive: true, force: true });
  rmSync(PLUGINS, { recursive: true, force: true });
  const mvn = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      POM,
      `-Dneo4j.version=${NEO4J_VERSION}`,
      `-Dapoc.version=${APOC_VERSION}`,
      `-Dneo4j.lib=${LIB}`,
      `-Dneo4j.plugins=${PLUGINS}`,
      'package',
    ],
    {
      encoding: 'utf8',
    },
  );
  if (mvn.status !== 0) {
    throw new LocalNeo4jError(
      `Maven could not fetch Neo4j (exit ${mvn.status}):\n${(mvn.stdout + mvn.stderr).slice(-3000)}`,
    );
  }
  const jars = readdirSync(LIB).filter((f) => f.endsWith('.jar')).length;
  writeFileSync(marker, `${jars} jars\n`);
  log(`fetched ${jars} jars into ${LIB}`);
}

function writeConfig(dir: string, port: number, pageCache: string): void {
  const conf = [
    'server.default_listen_address=127.0.0.1',
    `server.bolt.listen_address=127.0.0.1:${port}`,
    `server.bolt.advertised_address=127.0.0.1:${port}`,
    'server.http.enabled=false',
    'server.https.enabled=false',
    'dbms.security.auth_enabled=false',
    `server.directories.data=${join(dir, 'data')}`,
    `server.directories.logs=${join(dir, 'logs')}`,
    `server.directories.run=${join(dir, 'run')}`,
    `server.directories.import=${join(dir, 'import')}`,
    `server.directories.plugins=${PLUGINS}`,
    'dbms.security.procedures.unrestricted=apoc.*',
    `server.memory.pagecache.size=${pageCache}`,
    'dbms.usage_report.enabled=false',
    // Two cores: keep the Bolt worker pool and checkpointing modest.
    'server.bolt.thread_pool_max_size=64',
    'db.transaction.timeout=120s',
    '',
  ].join('\n');
  mkdirSync(join(dir, 'conf'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'neo4j.conf'), conf);
}

function logTail(dir: string, lines = 40): string {
  const parts: string[] = [];
  for (const file of ['console.log', join('logs', 'debug.log')]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8').trimEnd().split('\n');
    const interesting = file === 'console.log' ? text : text.filter((l) => /ERROR|Exception|Caused by/.test(l));
    parts.push(`--- ${file} (last lines) ---\n${interesting.slice(-lines).join('\n')}`);
  }
  return parts.join('\n') || '(no log written)';
}

/** Starts the named instance, or returns it when it already runs. Throws with the log's tail when it fails. */
export async function startLocalNeo4j(options: LocalNeo4jOptions): Promise<LocalNeo4jState> {
  const log = options.log ?? (() => undefined);
  const dir = instanceDir(options.name);
  const previous = readState(options.name);
  if (previous && isAlive(previous.pid) && (await boltAnswers(previous.uri))) {
    log(`Neo4j "${options.name}" already running at ${previous.uri} (pid ${previous.pid})`);
    return previous;
  }
  ensureJars(log);
  const port = options.port ?? (previous && !isAlive(previous.pid) ? previous.port : undefined) ?? (await freePort());
  for (const sub of ['data', 'logs', 'run', 'import']) mkdirSync(join(dir, sub), { recursive: true });
  writeConfig(dir, port, options.pageCache ?? '512m');
  const heap = options.heap ?? '1g';
  const out = openSync(join(dir, 'console.log'), 'w');
  const args = [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:+UnlockExperimentalVMOptions',
    '-XX:+TrustFinalNonStaticFields',
    '-XX:+DisableExplicitGC',
    '-Djdk.nio.maxCachedBufferSize=1024',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--enable-native-access=ALL-UNNAMED',
    '-Dlog4j2.disable.jmx=true',
    '-Dfile.encoding=UTF-8',
    '-cp',
    `${PLUGINS}/*:${join(dir, 'conf')}/*:${LIB}/*`,
    'org.neo4j.server.CommunityEntryPoint',
    `--home-dir=${dir}`,
    `--config-dir=${join(dir, 'conf')}`,
    '--console-mode',
  ];
  const child = spawn('java', args, { cwd: dir, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (!child.pid) throw new LocalNeo4jError(`could not spawn java:\n${logTail(dir)}`);
  const uri = `bolt://127.0.0.1:${port}`;
  const state: LocalNeo4jState = { pid: child.pid, port, uri, home: dir };
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state, null, 2));
  log(`starting Neo4j ${NEO4J_VERSION} "${options.name}" on ${uri} (pid ${child.pid}) ...`);
  const started = Date.now();
  while (Date.now() - started < 120_000) {
    if (!isAlive(child.pid)) {
      rmSync(join(dir, 'state.json'), { force: true });
      throw new LocalNeo4jError(`Neo4j exited during start-up:\n${logTail(dir)}`);
    }
    if (await boltAnswers(uri, 2000)) {
      log(`Neo4j ready at ${uri} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return state;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopLocalNeo4j(options.name);
  throw new LocalNeo4jError(`Neo4j did not answer on ${uri} within 120 s:\n${logTail(dir)}`);
}

/** Stops the named instance (SIGTERM, then SIGKILL after 60 s); `wipe` also deletes its folder. */
export async function stopLocalNeo4j(name: string, wipe = false): Promise<boolean> {
  const dir = instanceDir(name);
  const state = readState(name);
  let stopped = false;
  if (state && isAlive(state.pid)) {
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-state.pid, sig); // the whole process group: the JVM and anything it forked
      } catch {
        try {
          process.kill(state.pid, sig);
        } catch {
          /* already gone */
        }
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + 60_000;
    while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (isAlive(state.pid)) signal('SIGKILL');
    while (isAlive(state.pid)) await new Promise((r) => setTimeout(r, 100));
    stopped = true;
  }
  rmSync(join(dir, 'state.json'), { force: true });
  if (wipe) rmSync(dir, { recursive: true, force: true });
  return stopped;
}

export async function localNeo4jStatus(name: string): Promise<{ running: boolean; state?: LocalNeo4jState }> {
  const state = readState(name);
  if (state && isAlive(state.pid) && (await boltAnswers(state.uri))) return { running: true, state };
  return { running: false };
}
