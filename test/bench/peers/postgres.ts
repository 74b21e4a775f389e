/**
 * Peer: PostgreSQL (Debian's package) holding the same CIs and relationships, the relational CMDB a user would
 * otherwise run (iTop, GLPI, NetBox walk dependencies in SQL). The benchmark starts a throw-away cluster itself:
 * initdb in a temporary directory, `pg_ctl start` on a free loopback port, deleted afterwards. It never installs
 * PostgreSQL: without binaries under /usr/lib/postgresql it fails, naming the command that installs them.
 *
 * The schema is what a DBA would build for graph walks: besides the normalized `entity` / `rel` / `rel_type`
 * tables, the two directed edge relations the walks follow are materialized as tables (`impact_edge`: who is
 * impacted when a CI fails; `relies_edge`: what a CI relies on), already restricted to CI ends, each with a
 * covering btree index on its source column that INCLUDEs the target and what the walk reads of it, so every
 * recursion level is an index-only scan per frontier CI instead of joins over the whole edge table. The edge tables are
 * derived once after the load; the only write the benchmark makes afterwards sets a CI's `version`, which no walk
 * reads, so they stay exact (a live deployment would maintain them with triggers on `rel` and on `entity`'s status
 * and environment).
 *
 * Analyses are recursive CTEs over those edge tables, derived from the same relationship rules as the registry:
 * impact walks each type towards its impacted end (a redundancy group is reached only from a production member,
 * retired CIs carry nothing), dependencies walk the other way, root cause collects the upstream distances of every
 * symptom and scores them like ServiceGraph. Every statement takes parameters.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RelationshipTypeDef } from '../../../src/modules/cmdb';

export interface PgCluster {
  version: string;
  port: number;
  dataDir: string;
  pool: pg.Pool;
  stop(): Promise<void>;
}

/** How this peer stores what its walks read (recorded with every result, printed in docs/benchmarks.md). */
export const PEER_SCHEMA =
  'directed edge tables (impact_edge, relies_edge) materialized from the relationships, covering btree indexes on the source column, ANALYZEd';

/** The command that installs the binaries this peer needs (what .ci/run runs before the tests). */
export const INSTALL_POSTGRES = 'apt-get install -y postgresql';

function binDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/** The newest installed PostgreSQL's bin directory; throws with the install command when none is found. */
export function findPostgres(): string {
  const found = binDirs()[0];
  if (!found)
    throw new Error(
      `PostgreSQL binaries not found under /usr/lib/postgresql (the PostgreSQL peer starts its own cluster): install them with \`${INSTALL_POSTGRES}\``,
    );
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throw-away cluster on 127.0.0.1 (trust auth, loopback only); `stop()` shuts it down and deletes it. */
export async function startPostgres(log: (line: string) => void = () => undefined): Promise<PgCluster> {
  const bin = findPostgres();
  const version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'servicegraph-bench-pg-'));
  const dataDir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // initdb refuses to run as root: the cluster belongs to the `postgres` user then.
  const run = (cmd: string, args: string[]): void => {
    const full = asRoot ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
    const r = spawnSync(full[0] as string, full.slice(1), { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  if (asRoot) {
    const pw = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gr = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(pw), Number(gr));
  }
  chmodSync(dir, 0o700);
  run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'bench', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // Settings for this machine (2 cores, 24 GiB shared with the bench's Neo4j and Node) and these workloads (short
  // read queries from a pool of 8, one bulk load):
  //  - durability off (fsync, synchronous_commit, full_page_writes): the cluster is rebuilt every run, and the load
  //    is not what is measured;
  //  - shared_buffers 2GB: the edge tables, their indexes and `entity` of the largest size (1M CIs) stay in
  //    PostgreSQL's own cache, so a walk never goes through the kernel's page cache (comparable to Neo4j's page cache);
  //  - effective_cache_size 8GB: what shared_buffers plus the OS cache can hold, so the planner prices index scans
  //    as cached;
  //  - random_page_cost 1.1: everything is in memory, a random page costs about what a sequential one does; with
  //    the default 4 the planner prefers hashing a whole table over index probes for frontiers of a few hundred CIs;
  //  - work_mem 64MB: the recursive UNION's duplicate elimination, the GROUP BYs over hub closures and the page's
  //    json aggregation stay in memory (8 connections × a few such nodes fit easily);
  //  - maintenance_work_mem 512MB: index builds after the load sort in memory;
  //  - jit off: JIT compilation costs 50-200 ms per query once a plan's estimated cost passes jit_above_cost, which
  //    the CTEs' pessimistic recursion estimates do at 100k CIs, while the queries themselves run in milliseconds;
  //  - autovacuum off: the loader ANALYZEs and VACUUMs explicitly; an autovacuum pass over the freshly loaded tables
  //    would otherwise run during the first measurements, on one of the two cores.
  writeFileSync(
    join(dir, 'extra.conf'),
    [
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      'shared_buffers = 2GB',
      'effective_cache_size = 8GB',
      'random_page_cost = 1.1',
      'work_mem = 64MB',
      'maintenance_work_mem = 512MB',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 20',
      'jit = off',
      'autovacuum = off',
      '',
    ].join('\n'),
  );
  if (asRoot)
    chownSync(
      join(dir, 'extra.conf'),
      Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
    );
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), `include '${join(dir, 'extra.conf')}'\n`, { flag: 'a' });
  run(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  log(`postgres: ${version} on 127.0.0.1:${port} (${dataDir})`);
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'bench', database: 'postgres', max: 8 });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await pool.end().catch(() => undefined);
    try {
      run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', () => {
    if (!stopped)
      spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop']);
  });
  return { version, port, dataDir, pool, stop };
}

export interface EntityRow {
  id: string;
  kind: 'ci' | 'party';
  class: string;
  name: string;
  status: string | null;
  environment: string | null;
  minimumMembers: number | null;
  version: string | null;
  attributes: Record<string, unknown>;
}

export interface EdgeRow {
  type: string;
  fromId: string;
  toId: string;
}

const SCHEMA = `
CREATE TABLE entity (
  id text PRIMARY KEY, kind text NOT NULL, class text NOT NULL, name text NOT NULL, status text,
  environment text, minimum_members int, version text, attributes jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE rel (type text NOT NULL, from_id text NOT NULL, to_id text NOT NULL, PRIMARY KEY (from_id, type, to_id));
CREATE TABLE rel_type (type text PRIMARY KEY, impacted text NOT NULL, redundancy boolean NOT NULL);
CREATE TABLE ci_change (ci_id text NOT NULL, at timestamptz NOT NULL);
CREATE TABLE baseline_ci (baseline_id text NOT NULL, id text NOT NULL, class text, name text, status text, version text, attributes jsonb,
                          PRIMARY KEY (baseline_id, id));
CREATE TABLE baseline_rel (baseline_id text NOT NULL, type text NOT NULL, from_id text NOT NULL, to_id text NOT NULL,
                           PRIMARY KEY (baseline_id, from_id, type, to_id));
`;

/**
 * The directed edge tables the walks follow, materialized from `rel`, `rel_type` and `entity` after the load
 * (the relations the views of a normalized schema would compute at every recursion level). Only CI-to-CI edges:
 * every walk stops at parties. The target's status (and, for impact, its class: the answer's services) is copied
 * so the recursion reads nothing but the index.
 */
const EDGES = `
-- Who is impacted when source fails (towards each type's impacted end); a redundancy group only through a
-- production member (non-production members neither keep it up nor take it down).
CREATE TABLE impact_edge AS
  SELECT r.to_id AS source, r.from_id AS target, x.status AS target_status, x.class AS target_class
  FROM rel r JOIN rel_type t ON t.type = r.type AND t.impacted = 'from'
    JOIN entity s ON s.id = r.to_id AND s.kind = 'ci' JOIN entity x ON x.id = r.from_id AND x.kind = 'ci'
  UNION ALL
  SELECT r.from_id, r.to_id, x.status, x.class
  FROM rel r JOIN rel_type t ON t.type = r.type AND t.impacted = 'to'
    JOIN entity m ON m.id = r.from_id AND m.kind = 'ci' JOIN entity x ON x.id = r.to_id AND x.kind = 'ci'
  WHERE NOT t.redundancy OR coalesce(m.environment, 'production') = 'production';
-- What a CI relies on: the opposite direction, no redundancy rule.
CREATE TABLE relies_edge AS
  SELECT r.from_id AS self, r.to_id AS other, x.status AS other_status
  FROM rel r JOIN rel_type t ON t.type = r.type AND t.impacted = 'from'
    JOIN entity s ON s.id = r.from_id AND s.kind = 'ci' JOIN entity x ON x.id = r.to_id AND x.kind = 'ci'
  UNION ALL
  SELECT r.to_id, r.from_id, x.status
  FROM rel r JOIN rel_type t ON t.type = r.type AND t.impacted = 'to'
    JOIN entity s ON s.id = r.to_id AND s.kind = 'ci' JOIN entity x ON x.id = r.from_id AND x.kind = 'ci';
-- Covering: a recursion level probes the source and reads target and status from the index leaf (index-only scan).
CREATE INDEX impact_edge_source ON impact_edge (source) INCLUDE (target, target_status, target_class);
CREATE INDEX relies_edge_self ON relies_edge (self) INCLUDE (other, other_status);
`;

const INDEXES = `
CREATE INDEX rel_to ON rel (to_id, type);
CREATE INDEX entity_page ON entity (name COLLATE "C", id) WHERE kind = 'ci';
CREATE INDEX ci_change_ci ON ci_change (ci_id, at);
`;

/** Loads the same entities and relationships (ids included) in batches of parameter arrays. */
export async function loadPostgres(
  pool: pg.Pool,
  types: readonly RelationshipTypeDef[],
  entities: EntityRow[],
  edges: EdgeRow[],
  changes: Array<{ ciId: string; at: string }>,
): Promise<void> {
  await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await pool.query(SCHEMA);
  await pool.query('INSERT INTO rel_type SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])', [
    types.map((t) => t.name),
    types.map((t) => t.impacted),
    types.map((t) => t.redundancy ?? false),
  ]);
  const BATCH = 20_000;
  for (let i = 0; i < entities.length; i += BATCH) {
    const b = entities.slice(i, i + BATCH);
    await pool.query(
      `INSERT INTO entity SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::jsonb[])`,
      [
        b.map((e) => e.id),
        b.map((e) => e.kind),
        b.map((e) => e.class),
        b.map((e) => e.name),
        b.map((e) => e.status),
        b.map((e) => e.environment),
        b.map((e) => e.minimumMembers),
        b.map((e) => e.version),
        b.map((e) => JSON.stringify(e.attributes)),
      ],
    );
  }
  for (let i = 0; i < edges.length; i += BATCH) {
    const b = edges.slice(i, i + BATCH);
    await pool.query('INSERT INTO rel SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [
      b.map((e) => e.type),
      b.map((e) => e.fromId),
      b.map((e) => e.toId),
    ]);
  }
  for (let i = 0; i < changes.length; i += BATCH) {
    const b = changes.slice(i, i + BATCH);
    await pool.query('INSERT INTO ci_change SELECT * FROM unnest($1::text[], $2::timestamptz[])', [
      b.map((c) => c.ciId),
      b.map((c) => c.at),
    ]);
  }
  await pool.query(INDEXES);
  await pool.query(EDGES);
  // Statistics for every table, then a visibility map for the fresh edge tables (without it an index-only scan
  // visits the heap for every row). In this order: VACUUM marks a page all-visible only once a transaction newer
  // than the one that wrote it exists, and ANALYZE (it writes pg_statistic) is one.
  await pool.query('ANALYZE');
  await pool.query('VACUUM impact_edge');
  await pool.query('VACUUM relies_edge');
}

type Queryable = Pick<pg.Pool, 'query'>;

// The CI's class rides along from the index, so the answer's services need no lookup of `entity`.
const IMPACT_WALK = `WITH RECURSIVE walk(id, depth, class) AS (
       SELECT e.id, 0, e.class FROM entity e WHERE e.id = ANY($1::text[]) AND e.kind = 'ci'
       UNION
       SELECT s.target, w.depth + 1, s.target_class
       FROM walk w
       JOIN impact_edge s ON s.source = w.id
       WHERE w.depth < $2 AND s.target_status <> 'RETIRED'
     )`;

/**
 * The impact answer in one statement: the affected CIs (customer columns null), then one row per customer
 * subscribing to an affected service (id and depth null), in customer name order. One round trip, and the closure
 * never travels to the client and back as a parameter.
 */
export const IMPACT_ANSWER_SQL = `${IMPACT_WALK},
     affected AS (SELECT id, class, min(depth) AS depth FROM walk GROUP BY id, class)
     SELECT id, depth, NULL::text AS customer_id, NULL::text[] AS service_ids FROM affected
     UNION ALL
     (SELECT NULL, NULL, o.id, array_agg(s.id)
      FROM affected s JOIN rel r ON r.to_id = s.id AND r.type = 'SUBSCRIBES_TO' JOIN entity o ON o.id = r.from_id
      WHERE s.class IN ('Service', 'BusinessService')
      GROUP BY o.id, o.name ORDER BY o.name)`;

export interface PgImpactAnswer {
  affected: Map<string, number>;
  customers: Array<{ customerId: string; serviceIds: string[] }>;
}

/**
 * Impact downstream as an API answers it, in one statement: every CI reached within maxDepth at its shortest
 * distance (inputs at 0; a redundancy group reached through its production members only), and the customers
 * subscribing to affected services.
 */
export async function pgImpactAnswer(db: Queryable, ids: string[], maxDepth: number): Promise<PgImpactAnswer> {
  const r = await db.query<{
    id: string | null;
    depth: number | null;
    customer_id: string | null;
    service_ids: string[] | null;
  }>(IMPACT_ANSWER_SQL, [ids, maxDepth]);
  const affected = new Map<string, number>();
  const customers: PgImpactAnswer['customers'] = [];
  for (const row of r.rows) {
    if (row.id !== null) affected.set(row.id, Number(row.depth));
    else customers.push({ customerId: row.customer_id as string, serviceIds: row.service_ids ?? [] });
  }
  return { affected, customers };
}

export const DEPENDENCIES_SQL = `WITH RECURSIVE walk(id, depth) AS (
       SELECT e.id, 0 FROM entity e WHERE e.id = $1 AND e.kind = 'ci'
       UNION
       SELECT s.other, w.depth + 1
       FROM walk w
       JOIN relies_edge s ON s.self = w.id
       WHERE w.depth < $2 AND s.other_status <> 'RETIRED'
     )
     SELECT id, min(depth) AS depth FROM walk WHERE id <> $1 GROUP BY id`;

/** Dependencies (upstream): everything the CI relies on within maxDepth, at its shortest distance (itself excluded). */
export async function pgDependencies(db: Queryable, id: string, maxDepth: number): Promise<Map<string, number>> {
  const r = await db.query<{ id: string; depth: number }>(DEPENDENCIES_SQL, [id, maxDepth]);
  return new Map(r.rows.map((row) => [row.id, Number(row.depth)]));
}

export interface PgCandidate {
  id: string;
  explains: number;
  score: number;
}

/**
 * Root-cause candidates: the upstream CIs of every symptom (shortest distance per symptom, within maxDepth),
 * scored as ServiceGraph does — 0.6 × share of symptoms explained + 0.25 / (1 + mean hops) + 0.15 × recent changes
 * (two or more count fully) — best first.
 */
export async function pgRootCause(
  db: Queryable,
  symptoms: string[],
  since: string,
  maxDepth: number,
  limit: number,
): Promise<PgCandidate[]> {
  const r = await db.query<{ id: string; explains: string; score: string }>(
    `WITH RECURSIVE up(symptom, id, depth) AS (
       SELECT e.id, e.id, 0 FROM entity e WHERE e.id = ANY($1::text[]) AND e.kind = 'ci'
       UNION
       SELECT u.symptom, s.other, u.depth + 1
       FROM up u
       JOIN relies_edge s ON s.self = u.id
       WHERE u.depth < $3
     ),
     best AS (SELECT symptom, id, min(depth) AS d FROM up GROUP BY symptom, id),
     cand AS (
       SELECT id, count(*) AS explains, avg(d)::float8 AS mean FROM best GROUP BY id HAVING bool_or(symptom <> id)
     ),
     scored AS (
       SELECT c.id, c.explains,
              round((0.6 * c.explains / cardinality(array(SELECT DISTINCT unnest($1::text[])))
                     + 0.25 * (1 / (1 + c.mean))
                     + 0.15 * least(1, (SELECT count(*) FROM ci_change k WHERE k.ci_id = c.id AND k.at >= $2::timestamptz) / 2.0))::numeric, 3) AS score
       FROM cand c
     )
     SELECT id, explains, score FROM scored ORDER BY explains DESC, score DESC, id LIMIT $4`,
    [symptoms, since, maxDepth, limit],
  );
  return r.rows.map((row) => ({ id: row.id, explains: Number(row.explains), score: Number(row.score) }));
}

export interface PageRow {
  id: string;
  name: string;
  class: string;
  status: string;
  relationships: Array<{
    type: string;
    outgoing: boolean;
    ci: { id: string; name: string; class: string; status: string } | null;
  }>;
}

/** A page of CIs in (name, id) order with every relationship and the related CI (null for a party end). */
export async function pgPage(db: Queryable, first: number): Promise<PageRow[]> {
  const r = await db.query<PageRow>(
    `WITH page AS (
       SELECT id, name, class, status FROM entity WHERE kind = 'ci' ORDER BY name COLLATE "C", id LIMIT $1
     )
     SELECT p.id, p.name, p.class, p.status,
            coalesce((SELECT json_agg(json_build_object('type', x.type, 'outgoing', x.outgoing,
                        'ci', CASE WHEN o.kind = 'ci' THEN json_build_object('id', o.id, 'name', o.name, 'class', o.class, 'status', o.status) END))
                      FROM (SELECT r.type, true AS outgoing, r.to_id AS other FROM rel r WHERE r.from_id = p.id
                            UNION ALL
                            SELECT r.type, false, r.from_id FROM rel r WHERE r.to_id = p.id) x
                      JOIN entity o ON o.id = x.other), '[]'::json) AS relationships
     FROM page p ORDER BY p.name COLLATE "C", p.id`,
    [first],
  );
  return r.rows;
}

/** One CI with its neighbours (one hop). */
export async function pgOneHop(db: Queryable, id: string): Promise<PageRow | undefined> {
  const r = await db.query<PageRow>(
    `SELECT p.id, p.name, p.class, p.status,
            coalesce((SELECT json_agg(json_build_object('type', x.type, 'outgoing', x.outgoing,
                        'ci', CASE WHEN o.kind = 'ci' THEN json_build_object('id', o.id, 'name', o.name, 'class', o.class, 'status', o.status) END))
                      FROM (SELECT r.type, true AS outgoing, r.to_id AS other FROM rel r WHERE r.from_id = p.id
                            UNION ALL
                            SELECT r.type, false, r.from_id FROM rel r WHERE r.to_id = p.id) x
                      JOIN entity o ON o.id = x.other), '[]'::json) AS relationships
     FROM entity p WHERE p.id = $1 AND p.kind = 'ci'`,
    [id],
  );
  return r.rows[0];
}

/** Baseline capture: a copy of every CI's fields and every CI-to-CI relationship under the baseline's id. */
export async function pgCaptureBaseline(pool: pg.Pool, baselineId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO baseline_ci SELECT $1, id, class, name, status, version, attributes FROM entity WHERE kind = 'ci'`,
      [baselineId],
    );
    await client.query(
      `INSERT INTO baseline_rel SELECT $1, r.type, r.from_id, r.to_id
       FROM rel r JOIN entity a ON a.id = r.from_id AND a.kind = 'ci' JOIN entity b ON b.id = r.to_id AND b.kind = 'ci'`,
      [baselineId],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export interface PgDiff {
  added: string[];
  removed: string[];
  changed: string[];
  addedRelationships: number;
  removedRelationships: number;
}

/** The diff from a baseline to now, in SQL: CIs added, removed and changed (name, status, version, attributes); relationships added and removed. */
export async function pgBaselineDiff(db: Queryable, baselineId: string): Promise<PgDiff> {
  const cis = await db.query<{ id: string; change: string }>(
    `SELECT coalesce(b.id, c.id) AS id,
            CASE WHEN b.id IS NULL THEN 'added' WHEN c.id IS NULL THEN 'removed' ELSE 'changed' END AS change
     FROM (SELECT * FROM baseline_ci WHERE baseline_id = $1) b
     FULL JOIN (SELECT * FROM entity WHERE kind = 'ci') c ON c.id = b.id
     WHERE b.id IS NULL OR c.id IS NULL
        OR (b.name, b.status, b.version, b.attributes) IS DISTINCT FROM (c.name, c.status, c.version, c.attributes)`,
    [baselineId],
  );
  const rels = await db.query<{ added: string; removed: string }>(
    `WITH now_rel AS (
       SELECT r.type, r.from_id, r.to_id FROM rel r
       JOIN entity a ON a.id = r.from_id AND a.kind = 'ci' JOIN entity b ON b.id = r.to_id AND b.kind = 'ci'
     ), was AS (SELECT type, from_id, to_id FROM baseline_rel WHERE baseline_id = $1)
     SELECT (SELECT count(*) FROM (SELECT * FROM now_rel EXCEPT SELECT * FROM was) x) AS added,
            (SELECT count(*) FROM (SELECT * FROM was EXCEPT SELECT * FROM now_rel) y) AS removed`,
    [baselineId],
  );
  const of = (kind: string): string[] => cis.rows.filter((r) => r.change === kind).map((r) => r.id);
  return {
    added: of('added'),
    removed: of('removed'),
    changed: of('changed'),
    addedRelationships: Number(rels.rows[0]?.added ?? 0),
    removedRelationships: Number(rels.rows[0]?.removed ?? 0),
  };
}

/** The same edit the API makes in the bench (a new version on a CI). */
export async function pgSetVersion(db: Queryable, id: string, version: string): Promise<void> {
  await db.query('UPDATE entity SET version = $2 WHERE id = $1', [id, version]);
}
