/**
 * Benchmarks against peers: ServiceGraph beside what a user would run instead, on the same data, in the same run,
 * systems alternating (in a fresh seeded random order every iteration), after a warm-up. Peers, each started here on loopback:
 *  - raw Cypher through neo4j-driver (the statements ServiceGraph sends, without its layers) — the floor;
 *  - PostgreSQL (Debian's package, a throw-away cluster) with the same CIs and edges, traversals as recursive CTEs;
 *  - @neo4j/graphql over the same Neo4j (generated list/one-hop queries, @cypher fields for traversals);
 *  - a naive resolver (same schema and resolvers, no DataLoader batching: N+1);
 *  - bare graphql-js `execute` of our schema, and the full HTTP + Apollo path.
 * Every answer (warm-up and measured) is compared across systems; a disagreement throws AnswerMismatch and fails
 * the run. Timing lives here only: tests run a tiny version of this to check the harness and the answers.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { mulberry32, syntheticDataset } from '../../seed/synthetic';
import { rawDependencies } from './floor';
import * as analysisRepo from '../../src/modules/analysis/analysis.repository';
import * as ticketsRepo from '../../src/modules/tickets/tickets.repository';
import { OPEN_TICKET_STATUSES } from '../../src/modules/tickets';
import * as historyRepo from '../../src/modules/history/history.repository';
import { snapshotCIs } from '../../src/modules/cmdb';
import { MAX_AFFECTED, serviceClasses } from '../../src/modules/analysis';
import { buildResolvers, contextFor, createApollo } from '../../src/server/app';
import { startHttp, type HttpServer } from '../../src/server/http';
import { DEFAULT_GRAPHQL_LIMITS, limitRules } from '../../src/server/armor';
import { loadTypeDefs } from '../../src/server/schema';
import { int, type Tx } from '../../src/shared/db';
import { ADMIN, EDITOR, type Harness } from '../helpers/harness';
import { bearerFor } from '../helpers/auth';
import {
  sameCandidates,
  sameDepths,
  sameIds,
  sameJson,
  samePage,
  type Candidate,
  type CIWithRelationships,
} from './peers/answers';
import { naiveContext } from './peers/naive';
import { createNeo4jGraphQLPeer } from './peers/neo4j-graphql';
import * as pgPeer from './peers/postgres';

export interface SystemStat {
  system: string;
  p50: number;
  p99: number;
  mean: number;
  n: number;
  /** Sequential operations per second (one client): 1000 / mean ms. */
  throughput: number;
  /** ServiceGraph / this system: below 1 means ServiceGraph is faster. */
  ratioP50: number;
  ratioP99: number;
}

export interface PeerScenarioResult {
  scenario: string;
  note?: string;
  systems: SystemStat[];
  /** How many inputs had every system's answer compared (warm-up and measured). */
  answersChecked: number;
  /** Statements ServiceGraph sent to Neo4j for one operation of this scenario (the Db executor's counter). */
  serviceGraphRoundTrips?: number;
}

export interface ConcurrencyResult {
  scenario: string;
  clients: number;
  operations: number;
  systems: Array<{ system: string; opsPerSecond: number; rounds: number[] }>;
}

export interface BaselineResult {
  ciCount: number;
  changedCIs: number;
  capture: Array<{ system: string; ms: number }>;
  diff: SystemStat[];
}

export interface PeersBenchResult {
  ciCount: number;
  items: number;
  relations: number;
  cisInDatabase: number;
  relationshipsInDatabase: number;
  importSeconds: number;
  postgres: {
    version: string;
    loadSeconds: number;
    rows: { entities: number; relationships: number };
    /** How the peer's walks are stored; absent in results measured with recursive CTEs over normalized views. */
    schema?: string;
    impactPlan?: string[];
    hubImpactPlan?: string[];
    dependenciesPlan?: string[];
  };
  scenarios: PeerScenarioResult[];
  concurrency: ConcurrencyResult[];
  baseline: BaselineResult;
  /** When and where this size was measured (a `--merge` run keeps sizes measured by earlier runs). */
  measuredAt?: string;
  machine?: string;
}

export interface PeersOptions {
  ciCount: number;
  /** Measured iterations per scenario (each runs every system once): at least this many. */
  iterations: number;
  /**
   * Then more, while the scenario's measured time stays under this budget (ms), up to `maxIterations`: cheap
   * scenarios get the hundreds of samples a p99 needs (with 20 samples the "p99" is the slowest one), costly ones
   * stay at `iterations`.
   */
  budgetMs?: number;
  maxIterations?: number;
  /** Warm-up inputs per scenario (every system runs them; answers compared; not measured). */
  warmup: number;
  /** Impact operations per concurrency round (4 clients). */
  concurrencyOps: number;
  /** Diff repetitions. */
  diffRepeats: number;
  log: (line: string) => void;
  /** The Db executor's statement counter (ServiceGraph's round trips are read around its run). */
  counter?: () => number;
}

const SG = 'ServiceGraph';
const RAW = 'raw Cypher';
const PG = 'PostgreSQL';
const NGQL = '@neo4j/graphql';
const NAIVE = 'naive resolvers';
const BARE = 'bare graphql-js';
const HTTP = 'HTTP + Apollo';

function stat(samples: number[]): Omit<SystemStat, 'system' | 'ratioP50' | 'ratioP99'> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { p50: at(0.5), p99: at(0.99), mean, n: samples.length, throughput: mean > 0 ? 1000 / mean : 0 };
}

/** A copy of `list` in random order (Fisher–Yates). */
function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

interface SystemRun<I> {
  name: string;
  run: (input: I) => Promise<unknown>;
}

interface ScenarioDef<I> {
  name: string;
  note?: string;
  input: () => I;
  systems: SystemRun<I>[];
  /**
   * What of a system's answer the check needs, taken right after that system's run (outside its timing). A hub's
   * answers are thousands of objects per system: kept whole until the round's check, they would stay live while every
   * later system of the round runs (its scavenges copy them, and the largest allocator pays most).
   */
  reduce?: (system: string, value: unknown) => unknown;
  /** Compares the answers of one input; throws AnswerMismatch on any disagreement. */
  check: (input: I, outputs: Map<string, unknown>) => void | Promise<void>;
}

async function measure<I>(
  def: ScenarioDef<I>,
  options: PeersOptions,
  index: number,
  total: number,
): Promise<PeerScenarioResult> {
  const { log } = options;
  log(`  [${index}/${total}] ${def.name}: warm-up ${options.warmup} × ${def.systems.length} systems`);
  const samples = new Map<string, number[]>(def.systems.map((s) => [s.name, []]));
  let checked = 0;
  let trips: number | undefined;
  const orderRandom = mulberry32(index);
  const round = async (record: boolean): Promise<void> => {
    const input = def.input();
    const outputs = new Map<string, unknown>();
    // A fresh order every round (seeded shuffle), so caches and GC favour no system. A rotation is not enough: it
    // keeps the cyclic order, so the same system always ran right after PostgreSQL, whose hash joins over the edge
    // table leave the CPU caches cold (the system after it measured ~1.5 ms slower on 4 ms answers).
    const order = shuffled(def.systems, orderRandom);
    for (const system of order) {
      const before = options.counter?.();
      const { ms, value } = await timed(() => system.run(input));
      if (system.name === SG && before !== undefined && trips === undefined)
        trips = (options.counter?.() ?? 0) - before;
      outputs.set(system.name, def.reduce ? def.reduce(system.name, value) : value);
      if (record) samples.get(system.name)?.push(ms);
    }
    await def.check(input, outputs);
    checked += 1;
  };
  for (let i = 0; i < options.warmup; i++) await round(false);
  const started = Date.now();
  const more = (i: number): boolean =>
    i < options.iterations ||
    (i < (options.maxIterations ?? options.iterations) && Date.now() - started < (options.budgetMs ?? 0));
  let lastLog = started;
  let i = 0;
  for (; more(i); i++) {
    await round(true);
    if (Date.now() - lastLog >= 5000) {
      lastLog = Date.now();
      log(`    ${i + 1} iterations (answers agree)`);
    }
  }
  log(`    ${i} iterations in ${((Date.now() - started) / 1000).toFixed(1)} s (answers agree)`);
  const base = stat(samples.get(SG) ?? []);
  const systems = def.systems.map((s) => {
    const st = stat(samples.get(s.name) ?? []);
    return { system: s.name, ...st, ratioP50: base.p50 / st.p50, ratioP99: base.p99 / st.p99 };
  });
  log(`    ${systems.map((s) => `${s.system} p50 ${s.p50.toFixed(1)} p99 ${s.p99.toFixed(1)} ms`).join(' | ')}`);
  return {
    scenario: def.name,
    ...(def.note ? { note: def.note } : {}),
    systems,
    answersChecked: checked,
    ...(trips !== undefined ? { serviceGraphRoundTrips: trips } : {}),
  };
}

const IMPACT = `query ($input: ImpactInput!) { impactAnalysis(input: $input) {
  truncated affectedCIs { ci { id } state depth } affectedServices { service { id } state } affectedCustomers { customer { id } } } }`;
const DEPS = `query ($id: ID!, $d: Int) { dependencies(ciId: $id, maxDepth: $d) { ci { id } depth } }`;
const ROOT = `query ($input: RootCauseInput!) { rootCauseCandidates(input: $input) { ci { id } score explains { id } } }`;
const REL = 'relationships { type direction ci { id name class status } }';
const PAGE = `query ($first: Int) { cis(first: $first) { edges { node { id name class status ${REL} } } } }`;
const ONE_HOP = `query ($id: ID!) { ci(id: $id) { id name class status ${REL} } }`;
const CREATE_BASELINE = `mutation ($input: CreateBaselineInput!) { createBaseline(input: $input) { id takenAt } }`;
const DIFF = `query ($id: ID!) { baselineDiff(from: { baselineId: $id }, to: {}) {
  counts { addedCIs removedCIs changedCIs addedRelationships removedRelationships } changedCIs { ci { id } } } }`;

type Gql = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any>>;

/** Our schema executed by graphql-js alone: parse, validate (with our document limits), execute — no Apollo, no HTTP. */
function bareExecutor(h: Harness): Gql {
  const schema: GraphQLSchema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: buildResolvers() as never,
  });
  const rules = [...specifiedRules, ...limitRules(DEFAULT_GRAPHQL_LIMITS)];
  return async (query, variables) => {
    const document: DocumentNode = parse(query);
    const errors = validate(schema, document, rules);
    if (errors.length) throw new Error(`validation: ${errors.map((e) => e.message).join('; ')}`);
    const result = await execute({
      schema,
      document,
      variableValues: variables,
      contextValue: contextFor(h.services, EDITOR),
    });
    if (result.errors?.length)
      throw new Error(`bare graphql-js errors: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.data as Record<string, any>;
  };
}

function httpExecutor(server: HttpServer, authorization: { authorization: string }): Gql {
  return async (query, variables) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authorization },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, any>; errors?: Array<{ message: string }> };
    if (body.errors?.length || !body.data) throw new Error(`HTTP errors: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

const fromSgNode = (n: any): CIWithRelationships => ({
  id: n.id,
  name: n.name,
  class: n.class,
  relationships: (n.relationships as any[]).map((r) => ({
    type: r.type,
    outgoing: r.direction === 'OUTGOING',
    ci: r.ci ? { id: r.ci.id, name: r.ci.name, class: r.ci.class } : null,
  })),
});

const fromPlainRow = (row: {
  id: string;
  name: string;
  class: string;
  relationships: Array<{ type: string; outgoing: boolean; ci: { id: string; name: string; class: string } | null }>;
}): CIWithRelationships => ({
  id: row.id,
  name: row.name,
  class: row.class,
  relationships: row.relationships.map((r) => ({
    type: r.type,
    outgoing: r.outgoing,
    ci: r.ci ? { id: r.ci.id, name: r.ci.name, class: r.ci.class } : null,
  })),
});

const RAW_PAGE_REL = `CALL (c) {
         OPTIONAL MATCH (c)-[r]-(o:Entity) WHERE NOT r:WAS
         RETURN collect(CASE WHEN r IS NULL THEN null
                             ELSE {type: type(r), outgoing: startNode(r) = c, ci: CASE WHEN o:CI THEN o {.id, .name, .class, .status} END} END) AS relationships
       }
       RETURN c.id AS id, c.name AS name, c.class AS class, c.status AS status, relationships`;

export async function benchPeers(h: Harness, options: PeersOptions): Promise<PeersBenchResult> {
  const { log, ciCount } = options;
  options = { ...options, counter: () => h.db.counter.count };
  await h.reset();
  // The dataset and the rows loaded into PostgreSQL are dropped once written: kept alive they would only make every
  // collection during the measurements scan a few hundred MB no system under test uses.
  let items = 0;
  let relations = 0;
  const imported = await timed(async () => {
    const data = syntheticDataset(ciCount, 1);
    items = data.items.length;
    relations = data.relations?.length ?? 0;
    log(`peers ${ciCount}: importing ${items} items, ${relations} relations through ServiceGraph`);
    const r = await h.services.imports.importCMDB(ADMIN, data);
    if (r.rejected.length)
      throw new Error(
        `synthetic import rejected ${r.rejected.length} items: ${JSON.stringify(r.rejected.slice(0, 3))}`,
      );
  });
  const importSeconds = imported.ms / 1000;
  log(`  imported in ${importSeconds.toFixed(1)} s`);
  const registry = await h.services.registries.current();
  const types = registry.allRelationshipTypes();
  const impactFilter = analysisRepo.relationshipFilter(types, 'impact');
  const depFilter = analysisRepo.relationshipFilter(types, 'dependencies');

  // The same entities and relationships (same ids) into PostgreSQL.
  const cluster = await pgPeer.startPostgres(log);
  let http: HttpServer | undefined;
  const naiveApollo = createApollo();
  await naiveApollo.start();
  try {
    const loadPostgres = async (): Promise<{
      picks: Array<{ id: string; class: string }>;
      entities: number;
      edges: number;
      cis: number;
      ms: number;
    }> => {
      const entityRows = await h.cypher(
        `MATCH (n:Entity) RETURN n.id AS id, CASE WHEN n:CI THEN 'ci' ELSE 'party' END AS kind, n.class AS class, n.name AS name,
                n.status AS status, n.a_environment AS environment, n.a_minimumMembers AS minimumMembers, n.version AS version,
                [k IN keys(n) WHERE k STARTS WITH 'a_' | [substring(k, 2), n[k]]] AS attrs`,
      );
      const entities: pgPeer.EntityRow[] = entityRows.map((r) => ({
        id: r.id,
        kind: r.kind,
        class: r.class,
        name: r.name,
        status: r.status ?? null,
        environment: r.environment ?? null,
        minimumMembers: r.minimumMembers ?? null,
        version: r.version ?? null,
        attributes: Object.fromEntries(r.attrs as Array<[string, unknown]>),
      }));
      const edges = (await h.cypher(
        'MATCH (a:Entity)-[r]->(b:Entity) WHERE NOT r:WAS RETURN type(r) AS type, a.id AS fromId, b.id AS toId',
      )) as pgPeer.EdgeRow[];
      const changes = (await h.cypher(
        `MATCH (a:AuditEntry) WHERE a.entityId IS NOT NULL AND a.action IN ['create', 'update', 'retire']
         RETURN a.entityId AS ciId, toString(a.at) AS at`,
      )) as Array<{ ciId: string; at: string }>;
      const loaded = await timed(() => pgPeer.loadPostgres(cluster.pool, types, entities, edges, changes));
      const cis = entities.filter((e) => e.kind === 'ci');
      return {
        picks: cis.filter((e) => e.status !== 'RETIRED').map((e) => ({ id: e.id, class: e.class })),
        entities: entities.length,
        edges: edges.length,
        cis: cis.length,
        ms: loaded.ms,
      };
    };
    const loaded = await loadPostgres();
    const cisInDatabase = loaded.cis;
    log(
      `  PostgreSQL loaded ${loaded.entities} entities, ${loaded.edges} relationships in ${(loaded.ms / 1000).toFixed(1)} s`,
    );

    const asOf = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const ngql = await createNeo4jGraphQLPeer(h.db.driver, types);
    const bare = bareExecutor(h);
    http = await startHttp(h.services, { host: '127.0.0.1', port: 0 });
    const viaHttp = httpExecutor(http, await bearerFor(h.services, EDITOR, 6 * 3600));
    const sg: Gql = (q, v) => h.ok(q, v);
    const naive: Gql = async (query, variables) => {
      const response = await naiveApollo.executeOperation(
        { query, variables },
        { contextValue: naiveContext(h.services, EDITOR) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const r = response.body.singleResult;
      if (r.errors?.length) throw new Error(`naive errors: ${JSON.stringify(r.errors)}`);
      return r.data as Record<string, any>;
    };
    const raw = <T>(work: (tx: Tx) => Promise<T>): Promise<T> => h.db.readTx(work);

    // Inputs, from a seeded PRNG: the same picks every run.
    const cis = loaded.picks;
    const instances = cis.filter((e) => e.class === 'ApplicationInstance');
    const business = cis.filter((e) => e.class === 'BusinessService');
    const hubs = await h.cypher(
      "MATCH (n:NetworkDevice {a_deviceType: 'switch'})<-[r]-() WITH n, count(r) AS d ORDER BY d DESC, n.id LIMIT 3 RETURN n.id AS id",
    );
    const random = mulberry32(7);
    const pick = <T>(list: readonly T[]): T => {
      if (!list.length) throw new Error('nothing to pick from');
      return list[Math.floor(random() * list.length)] as T;
    };
    const pickIds = (list: readonly { id: string }[], k: number): string[] => {
      const out = new Set<string>();
      while (out.size < Math.min(k, list.length)) out.add(pick(list).id);
      return [...out];
    };

    // ---- answer reducers
    const sgImpact = (d: any): { depths: Map<string, number>; truncated: boolean } => ({
      depths: new Map((d.impactAnalysis.affectedCIs as any[]).map((a) => [a.ci.id as string, a.depth as number])),
      truncated: d.impactAnalysis.truncated as boolean,
    });
    const reachIds = (d: any): string[] => ((d.cis[0]?.reach ?? []) as any[]).map((n) => n.id as string);
    const ngqlRows = (d: any): CIWithRelationships[] =>
      (d.cis as any[]).map((n) => ({
        id: n.id,
        name: n.name,
        class: n.class,
        relationships: ngql.fields.flatMap((f) =>
          ((n[f.field] ?? []) as any[]).map((o) => ({
            type: f.type,
            outgoing: f.outgoing,
            ci: f.target === 'CI' ? { id: o.id, name: o.name, class: o.class } : null,
          })),
        ),
      }));

    /** The statement ServiceGraph's impact analysis sends: the closure with the subscriptions of its services. */
    const subscribersOf = serviceClasses(registry);
    const rawImpact = (id: string): Promise<analysisRepo.Closure> =>
      raw((tx) => analysisRepo.impactClosure(tx, [id], impactFilter, 6, MAX_AFFECTED + 1, { subscribersOf }));

    const impactScenario = (name: string, input: () => string): ScenarioDef<string> => ({
      name,
      input,
      systems: [
        { name: SG, run: (id) => sg(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }) },
        { name: BARE, run: (id) => bare(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }) },
        { name: HTTP, run: (id) => viaHttp(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }) },
        { name: RAW, run: (id) => rawImpact(id) },
        { name: PG, run: (id) => pgPeer.pgImpactAnswer(cluster.pool, [id], 6) },
        { name: NGQL, run: (id) => ngql.run(ngql.reachQuery, { id, filter: impactFilter, depth: 6 }) },
      ],
      reduce: (system, value) =>
        system === SG || system === BARE || system === HTTP
          ? JSON.stringify(value)
          : system === RAW
            ? (value as analysisRepo.Closure).nodes.map((n) => n.id)
            : system === NGQL
              ? reachIds(value)
              : value,
      check: async (id, out) => {
        const a = sgImpact(JSON.parse(out.get(SG) as string));
        sameDepths(name, SG, a.depths, PG, (out.get(PG) as pgPeer.PgImpactAnswer).affected, a.truncated);
        sameJson(name, SG, out.get(SG), BARE, out.get(BARE));
        sameJson(name, SG, out.get(SG), HTTP, out.get(HTTP));
        const closure = out.get(RAW) as string[];
        sameIds(name, NGQL, out.get(NGQL) as string[], `${RAW} closure`, closure);
        sameIds(name, SG, a.depths.keys(), `${RAW} closure`, closure, true);
      },
    });

    const depsScenario = (name: string, input: () => string): ScenarioDef<string> => ({
      name,
      input,
      systems: [
        { name: SG, run: (id) => sg(DEPS, { id, d: 6 }) },
        // The statements ServiceGraph sends for DEPS (no `relationship` asked).
        { name: RAW, run: (id) => raw((tx) => rawDependencies(tx, id, depFilter, 6)) },
        { name: PG, run: (id) => pgPeer.pgDependencies(cluster.pool, id, 6) },
        { name: NGQL, run: (id) => ngql.run(ngql.reachQuery, { id, filter: depFilter, depth: 6 }) },
      ],
      reduce: (system, value) =>
        system === SG
          ? new Map(((value as any).dependencies as any[]).map((d) => [d.ci.id as string, d.depth as number]))
          : system === NGQL
            ? reachIds(value)
            : value,
      check: (id, out) => {
        const a = out.get(SG) as Map<string, number>;
        sameDepths(name, SG, a, PG, out.get(PG) as Map<string, number>);
        const closure = out.get(RAW) as string[];
        sameIds(name, NGQL, out.get(NGQL) as string[], `${RAW} closure`, closure);
        sameIds(name, SG, [id, ...a.keys()], `${RAW} closure`, closure, true);
      },
    });

    const rootScenario = (symptoms: number): ScenarioDef<string[]> => {
      const name = `root cause, ${symptoms} symptoms (application instances)`;
      return {
        name,
        input: () => pickIds(instances, symptoms),
        systems: [
          { name: SG, run: (ids) => sg(ROOT, { input: { ciIds: ids, since: asOf, limit: 10 } }) },
          {
            name: RAW,
            run: (ids) =>
              raw(async (tx) => {
                const trees = await analysisRepo.spanningTrees(tx, ids, depFilter, 10, MAX_AFFECTED);
                await analysisRepo.summariesOf(tx, [...new Set([...ids, ...trees.flatMap((t) => t.path)])]);
                const ends = [...new Set(trees.map((t) => t.path[t.path.length - 1] as string))];
                await analysisRepo.changesSince(tx, ends.slice(0, 500), asOf);
                await ticketsRepo.ticketSignals(tx, ends.slice(0, 500), OPEN_TICKET_STATUSES);
                return ends;
              }),
          },
          { name: PG, run: (ids) => pgPeer.pgRootCause(cluster.pool, ids, asOf, 10, 40) },
        ],
        check: (ids, out) => {
          const a: Candidate[] = ((out.get(SG) as any).rootCauseCandidates as any[]).map((c) => ({
            id: c.ci.id,
            explains: c.explains.length,
            score: c.score,
          }));
          sameCandidates(name, SG, a, PG, out.get(PG) as Candidate[]);
          sameIds(
            name,
            SG,
            a.map((c) => c.id),
            `${RAW} tree ends`,
            [...ids, ...(out.get(RAW) as string[])],
            true,
          );
        },
      };
    };

    const pageScenario = (first: number): ScenarioDef<number> => {
      const name = `page of ${first.toLocaleString('en')} CIs with relationships and related CIs`;
      return {
        name,
        input: () => first,
        systems: [
          { name: SG, run: (n) => sg(PAGE, { first: n }) },
          { name: BARE, run: (n) => bare(PAGE, { first: n }) },
          { name: HTTP, run: (n) => viaHttp(PAGE, { first: n }) },
          { name: NAIVE, run: (n) => naive(PAGE, { first: n }) },
          {
            name: RAW,
            run: (n) =>
              raw((tx) =>
                tx.run(
                  `MATCH (c:CI) WHERE c.name IS NOT NULL WITH c ORDER BY c.name, c.id LIMIT $first ${RAW_PAGE_REL}`,
                  { first: int(n) },
                ),
              ),
          },
          { name: PG, run: (n) => pgPeer.pgPage(cluster.pool, n) },
          { name: NGQL, run: (n) => ngql.run(ngql.pageQuery, { first: n }) },
        ],
        check: (_n, out) => {
          const a = ((out.get(SG) as any).cis.edges as any[]).map((e) => fromSgNode(e.node));
          sameJson(name, SG, out.get(SG), BARE, out.get(BARE));
          sameJson(name, SG, out.get(SG), HTTP, out.get(HTTP));
          sameJson(name, SG, out.get(SG), NAIVE, out.get(NAIVE));
          samePage(name, SG, a, RAW, (out.get(RAW) as any[]).map(fromPlainRow));
          samePage(name, SG, a, PG, (out.get(PG) as pgPeer.PageRow[]).map(fromPlainRow));
          samePage(name, SG, a, NGQL, ngqlRows(out.get(NGQL)));
        },
      };
    };

    const oneHop: ScenarioDef<string> = {
      name: 'one CI with its relationships and related CIs (one hop), random CI',
      input: () => pick(cis).id,
      systems: [
        { name: SG, run: (id) => sg(ONE_HOP, { id }) },
        { name: NAIVE, run: (id) => naive(ONE_HOP, { id }) },
        {
          name: RAW,
          run: (id) =>
            raw((tx) =>
              tx.run(`MATCH (c:Entity {id: $id}) USING INDEX SEEK c:Entity(id) WHERE c:CI ${RAW_PAGE_REL}`, { id }),
            ),
        },
        { name: PG, run: (id) => pgPeer.pgOneHop(cluster.pool, id) },
        { name: NGQL, run: (id) => ngql.run(ngql.oneHopQuery, { id }) },
      ],
      check: (_id, out) => {
        const a = [fromSgNode((out.get(SG) as any).ci)];
        sameJson('one hop', SG, out.get(SG), NAIVE, out.get(NAIVE));
        samePage('one hop', SG, a, RAW, (out.get(RAW) as any[]).map(fromPlainRow));
        samePage('one hop', SG, a, PG, [fromPlainRow(out.get(PG) as pgPeer.PageRow)]);
        samePage('one hop', SG, a, NGQL, ngqlRows(out.get(NGQL)));
      },
    };

    const hub = (): string => pick(hubs).id as string;
    const scenarioDefs: Array<ScenarioDef<any>> = [
      impactScenario('impact downstream, depth 6, random CI', () => pick(cis).id),
      impactScenario('impact downstream, depth 6, hub (core switch)', hub),
      depsScenario('impact upstream (dependencies), depth 6, random application instance', () => pick(instances).id),
      depsScenario(
        'impact upstream (dependencies), depth 6, hub (business service)',
        () => pick(business.length ? business : cis).id,
      ),
      rootScenario(3),
      rootScenario(5),
      pageScenario(100),
      pageScenario(1000),
      oneHop,
    ];
    // How PostgreSQL runs the impact statement (EXPLAIN ANALYZE from a random CI and from a hub) and the
    // dependencies CTE (from a business service), kept with the results: the recursion should be index-only scans of
    // the edge tables. The random CI is the seeded `pick`'s next draw; the others come from a PRNG of their own.
    const explain = async (sql: string, params: unknown[]): Promise<string[]> => {
      const plan = await cluster.pool.query(`EXPLAIN (ANALYZE, COSTS false, TIMING true) ${sql}`, params);
      return plan.rows.map((r: Record<string, string>) => String(Object.values(r)[0]));
    };
    const planRandom = mulberry32(11);
    const planPick = <T>(list: readonly T[]): T => list[Math.floor(planRandom() * list.length)] as T;
    const impactPlan = await explain(pgPeer.IMPACT_ANSWER_SQL, [[pick(cis).id], 6]);
    const hubImpactPlan = await explain(pgPeer.IMPACT_ANSWER_SQL, [[planPick(hubs).id], 6]);
    const dependenciesPlan = await explain(pgPeer.DEPENDENCIES_SQL, [planPick(business.length ? business : cis).id, 6]);
    const scenarios: PeerScenarioResult[] = [];
    for (const [i, def] of scenarioDefs.entries())
      scenarios.push(await measure(def, options, i + 1, scenarioDefs.length + 2));

    // ---- 4 concurrent clients, impact from random CIs: throughput per system, rounds alternating.
    log(
      `  [${scenarioDefs.length + 1}/${scenarioDefs.length + 2}] 4 concurrent clients, impact downstream depth 6 from random CIs (${options.concurrencyOps} operations per round)`,
    );
    const concurrentInputs = Array.from({ length: options.concurrencyOps }, () => pick(cis).id);
    const concurrentSystems: Array<SystemRun<string>> = [
      { name: SG, run: (id) => sg(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }) },
      { name: HTTP, run: (id) => viaHttp(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }) },
      { name: RAW, run: (id) => rawImpact(id) },
      { name: PG, run: (id) => pgPeer.pgImpactAnswer(cluster.pool, [id], 6) },
    ];
    const rounds = new Map<string, number[]>(concurrentSystems.map((s) => [s.name, []]));
    const answers = new Map<string, { depths: Map<string, number>; truncated: boolean }>();
    for (let r = 0; r < 2; r++) {
      for (let k = 0; k < concurrentSystems.length; k++) {
        const system = concurrentSystems[(r + k) % concurrentSystems.length] as SystemRun<string>;
        let next = 0;
        const { ms } = await timed(() =>
          Promise.all(
            Array.from({ length: 4 }, async () => {
              while (next < concurrentInputs.length) {
                const id = concurrentInputs[next++] as string;
                const out = await system.run(id);
                // Answers under concurrency are compared too (ServiceGraph's against PostgreSQL's).
                if (system.name === SG) answers.set(`sg|${id}`, sgImpact(out));
                if (system.name === PG)
                  answers.set(`pg|${id}`, { depths: (out as pgPeer.PgImpactAnswer).affected, truncated: false });
              }
            }),
          ),
        );
        rounds.get(system.name)?.push((concurrentInputs.length * 1000) / ms);
      }
    }
    for (const id of new Set(concurrentInputs)) {
      const a = answers.get(`sg|${id}`);
      const b = answers.get(`pg|${id}`);
      if (!a || !b) throw new Error(`4 concurrent clients: no answer for ${id}`);
      sameDepths('4 concurrent clients, impact', SG, a.depths, PG, b.depths, a.truncated);
    }
    const concurrency: ConcurrencyResult[] = [
      {
        scenario: 'impact downstream, depth 6, random CI — 4 concurrent clients',
        clients: 4,
        operations: concurrentInputs.length,
        systems: concurrentSystems.map((s) => {
          const rs = rounds.get(s.name) ?? [];
          return { system: s.name, opsPerSecond: rs.reduce((a, b) => a + b, 0) / Math.max(1, rs.length), rounds: rs };
        }),
      },
    ];
    log(`    ${concurrency[0]?.systems.map((s) => `${s.system} ${s.opsPerSecond.toFixed(1)} ops/s`).join(' | ')}`);

    // ---- Baseline capture and diff (whole CMDB), after 20 CIs change.
    log(`  [${scenarioDefs.length + 2}/${scenarioDefs.length + 2}] baseline capture and diff, whole CMDB`);
    const capture: BaselineResult['capture'] = [];
    const sgCapture = await timed(() =>
      h.ok(CREATE_BASELINE, { input: { name: 'bench', scope: { all: true } } }, ADMIN),
    );
    capture.push({ system: SG, ms: sgCapture.ms });
    const baselineId = (sgCapture.value as any).createBaseline.id as string;
    const takenAt = (sgCapture.value as any).createBaseline.takenAt as string;
    const rawCapture = await timed(() =>
      raw(async (tx) => {
        const now = await historyRepo.now(tx);
        await snapshotCIs(tx, now);
        await historyRepo.snapshotRelationships(tx, now);
      }),
    );
    capture.push({ system: RAW, ms: rawCapture.ms });
    const pgCapture = await timed(() => pgPeer.pgCaptureBaseline(cluster.pool, baselineId));
    capture.push({ system: PG, ms: pgCapture.ms });
    const changed = cis.slice(0, Math.min(20, cis.length));
    for (const c of changed) {
      const [e] = await h.cypher('MATCH (c:Entity {id: $id}) RETURN c.revision AS rev', { id: c.id });
      await h.services.cmdb.updateCI(ADMIN, { id: c.id, expectedRevision: e?.rev, version: 'bench-2' });
      await pgPeer.pgSetVersion(cluster.pool, c.id, 'bench-2');
    }
    const diffSystems: Array<SystemRun<string>> = [
      { name: SG, run: (id) => sg(DIFF, { id }) },
      {
        name: RAW,
        run: () =>
          raw(async (tx) => {
            const now = await historyRepo.now(tx);
            const ids = await historyRepo.ciIdsChangedBetween(tx, takenAt, now);
            const rels = await historyRepo.relationshipsChangedBetween(tx, takenAt, now);
            const touched = [...new Set([...ids, ...rels.flatMap((r) => [r.fromId, r.toId])])];
            for (const at of [takenAt, now]) await snapshotCIs(tx, at, { ids: touched });
          }),
      },
      { name: PG, run: (id) => pgPeer.pgBaselineDiff(cluster.pool, id) },
    ];
    const diffResult = await measure(
      {
        name: 'baseline diff, whole CMDB (20 CIs changed since the baseline)',
        input: () => baselineId,
        systems: diffSystems,
        check: (_id, out) => {
          const d = (out.get(SG) as any).baselineDiff;
          const p = out.get(PG) as pgPeer.PgDiff;
          sameIds(
            'baseline diff',
            SG,
            (d.changedCIs as any[]).map((c) => c.ci.id as string),
            PG,
            p.changed,
          );
          sameJson('baseline diff', `${SG} counts`, d.counts, `${PG} counts`, {
            addedCIs: p.added.length,
            removedCIs: p.removed.length,
            changedCIs: p.changed.length,
            addedRelationships: p.addedRelationships,
            removedRelationships: p.removedRelationships,
          });
          if (p.changed.length !== changed.length)
            throw new Error(`baseline diff: expected ${changed.length} changed CIs, got ${p.changed.length}`);
        },
      },
      { ...options, iterations: options.diffRepeats, warmup: 1 },
      scenarioDefs.length + 2,
      scenarioDefs.length + 2,
    );
    log(`    capture: ${capture.map((c) => `${c.system} ${c.ms.toFixed(0)} ms`).join(' | ')}`);

    return {
      ciCount,
      items,
      relations,
      cisInDatabase,
      relationshipsInDatabase: loaded.edges,
      importSeconds,
      postgres: {
        version: cluster.version,
        loadSeconds: loaded.ms / 1000,
        rows: { entities: loaded.entities, relationships: loaded.edges },
        schema: pgPeer.PEER_SCHEMA,
        impactPlan,
        hubImpactPlan,
        dependenciesPlan,
      },
      scenarios,
      concurrency,
      baseline: { ciCount: cisInDatabase, changedCIs: changed.length, capture, diff: diffResult.systems },
    };
  } finally {
    await http?.stop().catch(() => undefined);
    await naiveApollo.stop().catch(() => undefined);
    await cluster.stop();
  }
}
