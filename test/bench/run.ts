/**
 * `npm run bench [-- SUITE ...] [--cis N] [--rounds R] [--sizes 10000,100000] [--iterations N] [--merge]` — benchmarks,
 * never timed tests. Suites: import (bench:import), analysis (bench:analysis), peers (bench:peers: ServiceGraph
 * beside raw Cypher, PostgreSQL, @neo4j/graphql, naive resolvers, bare graphql-js and HTTP). Results print as
 * tables and are written to docs/benchmarks/<suite>.json; docs/benchmarks.md is regenerated from those files.
 * Uses NEO4J_URI when set, else its own local Neo4j instance ("bench"; heap and page cache from NEO4J_HEAP and
 * NEO4J_PAGECACHE, default 2g each). `--merge` (peers): sizes this run does not measure keep their results from the
 * existing peers.json (each size records when and on what it was measured), so 1M can run on its own.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths';
import { createHarness } from '../helpers/harness';
import { provisionNeo4j } from '../helpers/test-neo4j';
import { benchImport } from './import.bench';
import { benchAnalysis } from './analysis.bench';
import { benchQueue } from './queue.bench';
import { benchPeers, type PeersBenchResult } from './peers.bench';
import { peersTables, writeReport } from './report';

const SUITES = ['import', 'peers', 'analysis', 'queue'] as const;

function parse(argv: string[]): {
  suites: string[];
  cis: number;
  rounds: number;
  sizes: number[];
  iterations: number | undefined;
  tickets: number;
  merge: boolean;
} {
  const out = {
    suites: [] as string[],
    cis: 100_000,
    rounds: 1,
    sizes: [10_000, 100_000],
    iterations: undefined as number | undefined,
    tickets: 100_000,
    merge: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--cis') out.cis = Number(argv[++i]);
    else if (a === '--rounds') out.rounds = Number(argv[++i]);
    else if (a === '--sizes') out.sizes = (argv[++i] ?? '').split(',').map(Number);
    else if (a === '--iterations') out.iterations = Number(argv[++i]);
    else if (a === '--tickets') out.tickets = Number(argv[++i]);
    else if (a === '--merge') out.merge = true;
    else if (a === 'all') out.suites.push(...SUITES);
    else out.suites.push(a);
  }
  if (!out.suites.length) out.suites.push(...SUITES);
  for (const s of out.suites)
    if (!(SUITES as readonly string[]).includes(s)) throw new Error(`unknown suite ${s}; suites: ${SUITES.join(', ')}`);
  return out;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const log = (line: string): void => console.log(line);
  const heap = process.env.NEO4J_HEAP ?? '2g';
  const pageCache = process.env.NEO4J_PAGECACHE ?? '2g';
  const neo4j = await provisionNeo4j({ name: 'bench', heap, pageCache, log });
  process.env.NEO4J_URI = neo4j.uri;
  process.env.NEO4J_USER = neo4j.user;
  process.env.NEO4J_PASSWORD = neo4j.password;
  // A harness that fails to start must not leave the Neo4j it was given running.
  const h = await createHarness().catch(async (error: unknown) => {
    await neo4j.stop();
    throw error;
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${process.env.NODE_OPTIONS?.trim() ? ` (NODE_OPTIONS ${process.env.NODE_OPTIONS.trim()})` : ''}, Neo4j via ${neo4j.kind}${neo4j.kind === 'local' ? ` (${heap} heap, ${pageCache} page cache)` : ''}`;
  const outDir = join(PROJECT_ROOT, 'docs', 'benchmarks');
  mkdirSync(outDir, { recursive: true });
  try {
    for (const suite of args.suites) {
      if (suite === 'import') {
        const r = await benchImport(h, args.cis, args.rounds, log);
        const rows = r.rounds.map((x, i) => ({
          round: i + 1,
          raw: x.rawSeconds,
          api: x.apiSeconds,
          ratio: x.rawSeconds / x.apiSeconds,
          reimport: x.reimportSeconds,
          reimportSpeedup: x.apiSeconds / x.reimportSeconds,
        }));
        console.log(`\n## import — ${r.ciCount} CIs (${r.items} items, ${r.relations} relations) — ${machine}`);
        console.log(
          '| round | raw UNWIND s | ServiceGraph s | throughput vs raw | re-import unchanged s | re-import speed-up |',
        );
        console.log('|---|---|---|---|---|---|');
        for (const x of rows) {
          console.log(
            `| ${x.round} | ${x.raw.toFixed(1)} | ${x.api.toFixed(1)} | ${x.ratio.toFixed(2)}x | ${x.reimport.toFixed(1)} | ${x.reimportSpeedup.toFixed(2)}x |`,
          );
        }
        writeFileSync(
          join(outDir, 'import.json'),
          JSON.stringify({ machine, measuredAt: new Date().toISOString(), ...r, rows }, null, 2) + '\n',
        );
      }
      if (suite === 'analysis') {
        const results = [];
        for (const size of args.sizes) results.push(await benchAnalysis(h, size, args.iterations ?? 40, log));
        for (const r of results) {
          console.log(`\n## analysis — ${r.ciCount} CIs (import ${r.importSeconds.toFixed(1)} s) — ${machine}`);
          console.log('| scenario | API p50 ms | API p99 ms | raw p50 ms | raw p99 ms | p50 ratio | p99 ratio |');
          console.log('|---|---|---|---|---|---|---|');
          for (const s of r.scenarios) {
            console.log(
              `| ${s.scenario} | ${s.api.p50.toFixed(1)} | ${s.api.p99.toFixed(1)} | ${s.raw.p50.toFixed(1)} | ${s.raw.p99.toFixed(1)} | ${s.ratioP50.toFixed(2)}x | ${s.ratioP99.toFixed(2)}x |`,
            );
          }
          console.log(
            `| baseline diff, whole CMDB | ${(r.baselineDiffSeconds * 1000).toFixed(0)} | | ${(r.rawSnapshotPairSeconds * 1000).toFixed(0)} | | ${(r.baselineDiffSeconds / r.rawSnapshotPairSeconds).toFixed(2)}x | |`,
          );
        }
        writeFileSync(
          join(outDir, 'analysis.json'),
          JSON.stringify({ machine, measuredAt: new Date().toISOString(), results }, null, 2) + '\n',
        );
      }
      if (suite === 'queue') {
        const r = await benchQueue(h, args.tickets, args.iterations ?? 20, log);
        console.log(
          `\n## agent queue — ${r.tickets} tickets (${r.openTickets} open, ${r.groups} groups; open per group ${r.queueSize.min} … ${r.queueSize.max}) — ${machine}`,
        );
        console.log(
          '| scenario | API p50 ms | API p99 ms | raw p50 ms | raw p99 ms | p50 ratio | p99 ratio | statements |',
        );
        console.log('|---|---|---|---|---|---|---|---|');
        console.log(
          `| agent queue, first 50 | ${r.api.p50.toFixed(1)} | ${r.api.p99.toFixed(1)} | ${r.raw.p50.toFixed(1)} | ${r.raw.p99.toFixed(1)} | ${r.ratioP50.toFixed(2)}x | ${r.ratioP99.toFixed(2)}x | ${r.statementsPerApiCall} |`,
        );
        writeFileSync(
          join(outDir, 'queue.json'),
          JSON.stringify({ machine, measuredAt: new Date().toISOString(), ...r }, null, 2) + '\n',
        );
      }
      if (suite === 'peers') {
        const peersPath = join(outDir, 'peers.json');
        const kept =
          args.merge && existsSync(peersPath)
            ? (JSON.parse(readFileSync(peersPath, 'utf8')) as {
                machine: string;
                measuredAt: string;
                results: PeersBenchResult[];
              })
            : undefined;
        const earlier = (kept?.results ?? [])
          .filter((r) => !args.sizes.includes(r.ciCount))
          .map((r) => ({ ...r, measuredAt: r.measuredAt ?? kept?.measuredAt, machine: r.machine ?? kept?.machine }));
        const results: PeersBenchResult[] = [];
        const startedAt = new Date().toISOString();
        for (const size of args.sizes) {
          // At least 20 measured iterations per scenario, more (up to 200) while a scenario stays within its budget.
          const iterations = args.iterations ?? 20;
          const budgetMs = args.iterations ? 0 : size <= 20_000 ? 15_000 : 20_000;
          const started = Date.now();
          const r = await benchPeers(h, {
            ciCount: size,
            iterations,
            budgetMs,
            maxIterations: 200,
            warmup: 3,
            concurrencyOps: size <= 20_000 ? 80 : 40,
            diffRepeats: 5,
            log,
          });
          results.push({ ...r, measuredAt: new Date().toISOString(), machine });
          log(`peers ${size}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
          // Written after every size, so a long run that dies later keeps what it measured.
          const all = [...earlier, ...results].sort((a, b) => a.ciCount - b.ciCount);
          writeFileSync(
            peersPath,
            JSON.stringify(
              { machine, neo4j: neo4j.kind, startedAt, measuredAt: new Date().toISOString(), results: all },
              null,
              2,
            ) + '\n',
          );
        }
        console.log(peersTables(results));
      }
    }
    writeReport(outDir, join(PROJECT_ROOT, 'docs', 'benchmarks.md'));
    log('wrote docs/benchmarks.md');
  } finally {
    await h.close();
    await neo4j.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
