/**
 * Analysis benchmark: impact (depth 6, downstream from a random CI and from a hub; upstream as dependencies),
 * root cause (3 symptoms), as-of impact, and a whole-CMDB baseline diff — through the GraphQL API (in process:
 * parsing, validation, resolvers, DataLoaders) beside the same Cypher statements run raw through the driver,
 * alternating, after a warm-up, in the same run.
 */
import { mulberry32, syntheticDataset } from '../../seed/synthetic';
import { rawDependencies } from './floor';
import * as analysisRepo from '../../src/modules/analysis/analysis.repository';
import * as ticketsRepo from '../../src/modules/tickets/tickets.repository';
import { OPEN_TICKET_STATUSES } from '../../src/modules/tickets';
import * as historyRepo from '../../src/modules/history/history.repository';
import { snapshotCIs } from '../../src/modules/cmdb';
import { MAX_AFFECTED, serviceClasses } from '../../src/modules/analysis';
import type { Tx } from '../../src/shared/db';
import { ADMIN, type Harness } from '../helpers/harness';

export interface Stat {
  p50: number;
  p99: number;
  mean: number;
  n: number;
}

export interface ScenarioResult {
  scenario: string;
  api: Stat;
  raw: Stat;
  ratioP50: number;
  ratioP99: number;
}

export interface AnalysisBenchResult {
  ciCount: number;
  importSeconds: number;
  scenarios: ScenarioResult[];
  baselineDiffSeconds: number;
  rawSnapshotPairSeconds: number;
}

export function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length, n: samples.length };
}

export async function ms(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const IMPACT = `query ($input: ImpactInput!) { impactAnalysis(input: $input) {
  truncated affectedCIs { ci { id } state depth } affectedServices { service { id } state } affectedCustomers { customer { id } } } }`;
const DEPS = `query ($id: ID!, $d: Int) { dependencies(ciId: $id, maxDepth: $d) { ci { id } depth } }`;
const ROOT = `query ($input: RootCauseInput!) { rootCauseCandidates(input: $input) { ci { id } score explains { id } } }`;

/**
 * Imports the synthetic CMDB. Its own function so the dataset (hundreds of MB at 100k) is garbage once imported: held
 * in the benchmark's scope it made every major GC of the measured operations slower, and the API, which allocates
 * more per answer than the raw statements, paid more for it (hub impact at 100k measured 1.50x raw that way).
 */
async function importSynthetic(h: Harness, ciCount: number, log: (line: string) => void): Promise<number> {
  await h.reset();
  const data = syntheticDataset(ciCount, 1);
  const importSeconds =
    (await ms(async () => {
      const r = await h.services.imports.importCMDB(ADMIN, data);
      if (r.rejected.length) throw new Error('synthetic import rejected items');
    })) / 1000;
  log(
    `analysis ${ciCount}: imported ${data.items.length} items, ${data.relations?.length} relations in ${importSeconds.toFixed(1)} s`,
  );
  return importSeconds;
}

export async function benchAnalysis(
  h: Harness,
  ciCount: number,
  iterations: number,
  log: (line: string) => void,
): Promise<AnalysisBenchResult> {
  const importSeconds = await importSynthetic(h, ciCount, log);
  const asOf = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 50));
  const all = await h.cypher('MATCH (c:CI) RETURN c.id AS id, c.class AS class');
  const hubs = await h.cypher(
    'MATCH (n:NetworkDevice)<-[r]-() WITH n, count(r) AS d ORDER BY d DESC LIMIT 3 RETURN n.id AS id',
  );
  const apps = all.filter((c) => c.class === 'ApplicationInstance');
  const random = mulberry32(7);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  const registry = await h.services.registries.current();
  const impactFilter = analysisRepo.relationshipFilter(registry.allRelationshipTypes(), 'impact');
  const depFilter = analysisRepo.relationshipFilter(registry.allRelationshipTypes(), 'dependencies');
  const raw = <T>(work: (tx: Tx) => Promise<T>): Promise<T> => h.db.readTx(work);
  const services = serviceClasses(registry);

  type Scenario = {
    name: string;
    input: () => unknown;
    api: (x: any) => Promise<unknown>;
    raw: (x: any) => Promise<unknown>;
  };
  const impactRaw = (ids: string[], at?: string) =>
    raw(async (tx) => {
      // As ServiceGraph reads it: now, subscriptions come with the closure; as of a moment, in a second statement.
      if (!at)
        return analysisRepo.impactClosure(tx, ids, impactFilter, 6, MAX_AFFECTED + 1, { subscribersOf: services });
      const closure = await analysisRepo.impactClosure(tx, ids, impactFilter, 6, MAX_AFFECTED + 1, { at });
      await analysisRepo.subscribers(
        tx,
        closure.nodes.filter((n) => services.includes(n.class)).map((n) => n.id),
      );
      return closure;
    });
  const scenarios: Scenario[] = [
    {
      name: 'impact downstream, depth 6, random CI',
      input: () => pick(all).id,
      api: (id) => h.ok(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }),
      raw: (id) => impactRaw([id]),
    },
    {
      name: 'impact downstream, depth 6, hub (core switch)',
      input: () => pick(hubs).id,
      api: (id) => h.ok(IMPACT, { input: { ciIds: [id], maxDepth: 6 } }),
      raw: (id) => impactRaw([id]),
    },
    {
      name: 'dependencies (upstream), depth 6, random application instance',
      input: () => pick(apps).id,
      api: (id) => h.ok(DEPS, { id, d: 6 }),
      raw: (id) => raw((tx) => rawDependencies(tx, id, depFilter, 6)),
    },
    {
      name: 'root cause, 3 symptoms',
      input: () => [pick(apps).id, pick(apps).id, pick(apps).id],
      api: (ids) => h.ok(ROOT, { input: { ciIds: ids, since: asOf } }),
      raw: (ids) =>
        raw(async (tx) => {
          const trees = await analysisRepo.spanningTrees(tx, ids, depFilter, 10, MAX_AFFECTED);
          await analysisRepo.summariesOf(tx, [...new Set(trees.flatMap((t) => t.path))]);
          const ends = [...new Set(trees.map((t) => t.path[t.path.length - 1] as string))].slice(0, 500);
          await analysisRepo.changesSince(tx, ends, asOf);
          await ticketsRepo.ticketSignals(tx, ends, OPEN_TICKET_STATUSES);
        }),
    },
    {
      name: 'as-of impact, depth 6, random CI',
      input: () => pick(all).id,
      api: (id) => h.ok(IMPACT, { input: { ciIds: [id], maxDepth: 6, asOf } }),
      raw: (id) => impactRaw([id], asOf),
    },
  ];

  const scenarioResults: ScenarioResult[] = [];
  for (const s of scenarios) {
    for (let i = 0; i < 5; i++) {
      const x = s.input();
      await s.api(x);
      await s.raw(x);
    }
    const apiSamples: number[] = [];
    const rawSamples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const x = s.input();
      // Alternate which goes first, so caches favour neither.
      if (i % 2) {
        apiSamples.push(await ms(() => s.api(x)));
        rawSamples.push(await ms(() => s.raw(x)));
      } else {
        rawSamples.push(await ms(() => s.raw(x)));
        apiSamples.push(await ms(() => s.api(x)));
      }
    }
    const api = stat(apiSamples);
    const rawStat = stat(rawSamples);
    scenarioResults.push({
      scenario: s.name,
      api,
      raw: rawStat,
      ratioP50: api.p50 / rawStat.p50,
      ratioP99: api.p99 / rawStat.p99,
    });
    log(
      `  ${s.name}: API p50 ${api.p50.toFixed(1)} ms p99 ${api.p99.toFixed(1)} ms | raw p50 ${rawStat.p50.toFixed(1)} ms p99 ${rawStat.p99.toFixed(1)} ms`,
    );
  }

  // Baseline diff: a baseline of everything, a few changes, then the diff to now.
  const baseline = await h.services.history.createBaseline(ADMIN, { name: 'bench', scope: { all: true } });
  for (const c of all.slice(0, 20)) {
    const [e] = await h.cypher('MATCH (c:CI {id: $id}) RETURN c.revision AS rev', { id: c.id });
    await h.services.cmdb.updateCI(ADMIN, { id: c.id, expectedRevision: e?.rev, version: 'bench-2' });
  }
  const baselineDiffSeconds = (await ms(() => h.services.history.diff({ baselineId: baseline.id }, {}))) / 1000;
  const rawSnapshotPairSeconds =
    (await ms(() =>
      raw(async (tx) => {
        // The same statements the diff runs (whole CMDB, forwards): what changed between, then those CIs' states.
        const now = new Date().toISOString();
        const changed = await historyRepo.ciIdsChangedBetween(tx, baseline.takenAt, now);
        const rels = await historyRepo.relationshipsChangedBetween(tx, baseline.takenAt, now);
        const touched = [...new Set([...changed, ...rels.flatMap((r) => [r.fromId, r.toId])])];
        for (const at of [baseline.takenAt, now]) await snapshotCIs(tx, at, { ids: touched });
      }),
    )) / 1000;
  log(
    `  baseline diff (whole CMDB): ${baselineDiffSeconds.toFixed(2)} s; the same statements raw: ${rawSnapshotPairSeconds.toFixed(2)} s`,
  );
  return { ciCount, importSeconds, scenarios: scenarioResults, baselineDiffSeconds, rawSnapshotPairSeconds };
}
