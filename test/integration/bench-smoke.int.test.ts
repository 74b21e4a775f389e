/**
 * Smoke version of `npm run bench:peers`: 300 CIs, one warm-up and one measured iteration per scenario, every peer
 * started, every system's answer compared with the others' — a disagreement throws. Checks that the harness works
 * and the answers agree; never asserts a time. PostgreSQL comes from the machine's binaries (.ci/run installs
 * them); when they are missing the test fails, naming `apt-get install -y postgresql`.
 */
import { benchPeers, type PeersBenchResult } from '../bench/peers.bench';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let result: PeersBenchResult;
const lines: string[] = [];

beforeAll(async () => {
  h = await createHarness();
  result = await benchPeers(h, {
    ciCount: 300,
    iterations: 1,
    warmup: 1,
    concurrencyOps: 8,
    diffRepeats: 1,
    log: (l) => lines.push(l),
  });
}, 240_000);
afterAll(async () => h.close());

describe('benchmark harness (smoke, no timing)', () => {
  it('runs every scenario on every system and their answers agree', () => {
    const names = result.scenarios.map((s) => s.scenario);
    expect(names).toEqual(
      expect.arrayContaining([
        'impact downstream, depth 6, random CI',
        'impact downstream, depth 6, hub (core switch)',
        'root cause, 3 symptoms (application instances)',
        'root cause, 5 symptoms (application instances)',
        'page of 100 CIs with relationships and related CIs',
        'page of 1,000 CIs with relationships and related CIs',
      ]),
    );
    for (const s of result.scenarios) {
      // Answers compared on the warm-up input and the measured one.
      expect(s.answersChecked).toBe(2);
      for (const system of s.systems) expect(system.n).toBe(1);
    }
    const page = result.scenarios.find((s) => s.scenario.startsWith('page of 100 '));
    expect(page?.systems.map((s) => s.system)).toEqual([
      'ServiceGraph',
      'bare graphql-js',
      'HTTP + Apollo',
      'naive resolvers',
      'raw Cypher',
      'PostgreSQL',
      '@neo4j/graphql',
    ]);
  });

  it('loads the same data into PostgreSQL and measures concurrency and the baseline diff', () => {
    expect(result.postgres.rows.entities).toBe(result.items);
    expect(result.postgres.rows.relationships).toBe(result.relationshipsInDatabase);
    expect(result.concurrency[0]?.systems.map((s) => s.system)).toEqual([
      'ServiceGraph',
      'HTTP + Apollo',
      'raw Cypher',
      'PostgreSQL',
    ]);
    expect(result.baseline.changedCIs).toBe(20);
    expect(result.baseline.diff.map((s) => s.system)).toEqual(['ServiceGraph', 'raw Cypher', 'PostgreSQL']);
    expect(lines.some((l) => l.includes('answers agree'))).toBe(true);
  });
});
