import {
  MAX_CANDIDATES,
  ROOT_CAUSE_WEIGHTS,
  byRootCauseOrder,
  candidatesOf,
  coverOf,
  scoreOf,
  signalOf,
  type Candidate,
  type SymptomPath,
} from '../../src/modules/analysis/root-cause-scoring';

const NONE = { recentChanges: 0, knownErrors: 0, openIncidents: 0 };

/** candidate → symptom → path (symptom first, candidate last). */
function explained(entries: Record<string, Record<string, string[]>>): Map<string, Map<string, SymptomPath>> {
  return new Map(
    Object.entries(entries).map(([id, by]) => [id, new Map(Object.entries(by).map(([s, path]) => [s, { path }]))]),
  );
}

function candidate(id: string, coverage: number, paths: string[][]): Candidate<SymptomPath> {
  return { id, coverage, by: new Map(paths.map((path) => [path[0] as string, { path }])) };
}

describe('root-cause scoring', () => {
  it('weights sum to 1, so a score lies in [0, 1]', () => {
    const { coverage, proximity, signal } = ROOT_CAUSE_WEIGHTS;
    expect(coverage + proximity + signal).toBeCloseTo(1, 10);
    const best = scoreOf(candidate('x', 1, [['x']]), { recentChanges: 9, knownErrors: 9, openIncidents: 9 });
    expect(best).toBe(1);
  });

  it('keeps candidates that explain another symptom, most coverage first, capped', () => {
    const ranked = candidatesOf(
      explained({
        a: { a: ['a'] }, // a symptom nothing else leads to: says nothing
        b: { s1: ['s1', 'b'] },
        c: { s1: ['s1', 'c'], s2: ['s2', 'c'] },
      }),
      2,
    );
    expect(ranked.map((c) => [c.id, c.coverage])).toEqual([
      ['c', 1],
      ['b', 0.5],
    ]);
    const many = explained(
      Object.fromEntries(Array.from({ length: MAX_CANDIDATES + 10 }, (_, i) => [`c${i}`, { s: ['s', `c${i}`] }])),
    );
    expect(candidatesOf(many, 1)).toHaveLength(MAX_CANDIDATES);
  });

  it('a symptom explaining itself and others counts its own symptom too', () => {
    const [only] = candidatesOf(explained({ s1: { s1: ['s1'], s2: ['s2', 's1'] } }), 2);
    expect(only).toMatchObject({ id: 's1', coverage: 1 });
  });

  it('signal: two changes, one known error or two open incidents are full; kinds add; capped at 1', () => {
    expect(signalOf(NONE)).toBe(0);
    expect(signalOf({ ...NONE, recentChanges: 1 })).toBe(0.5);
    expect(signalOf({ ...NONE, recentChanges: 2 })).toBe(1);
    expect(signalOf({ ...NONE, knownErrors: 1 })).toBe(1);
    expect(signalOf({ ...NONE, openIncidents: 1 })).toBe(0.5);
    expect(signalOf({ ...NONE, recentChanges: 1, openIncidents: 1 })).toBe(1);
    expect(signalOf({ recentChanges: 5, knownErrors: 3, openIncidents: 4 })).toBe(1);
  });

  it('score: coverage, proximity (mean hops) and signal with their weights, rounded to 3 decimals', () => {
    // Explains 1 of 2 symptoms in 1 hop, no evidence: 0.6 * 0.5 + 0.25 * 1/2 = 0.425.
    expect(scoreOf(candidate('x', 0.5, [['s', 'x']]), NONE)).toBe(0.425);
    // Mean of 1 and 3 hops is 2: 0.6 + 0.25 / 3 = 0.6833… → 0.683.
    expect(
      scoreOf(
        candidate('x', 1, [
          ['s1', 'x'],
          ['s2', 'a', 'b', 'x'],
        ]),
        NONE,
      ),
    ).toBe(0.683);
    // A known error adds the whole signal weight.
    expect(scoreOf(candidate('x', 0.5, [['s', 'x']]), { ...NONE, knownErrors: 1 })).toBe(0.575);
  });

  it('closer candidates outscore farther ones with the same coverage and evidence', () => {
    const near = scoreOf(candidate('near', 1, [['s', 'near']]), NONE);
    const far = scoreOf(candidate('far', 1, [['s', 'a', 'b', 'far']]), NONE);
    expect(near).toBeGreaterThan(far);
  });

  it('full evidence does not outweigh explaining twice the share of symptoms', () => {
    const covered = scoreOf(candidate('wide', 1, [['s1', 'a', 'b', 'wide']]), NONE);
    const troubled = scoreOf(candidate('narrow', 0.5, [['s1', 'narrow']]), {
      recentChanges: 2,
      knownErrors: 1,
      openIncidents: 2,
    });
    // 0.6 + 0.25/4 = 0.6625 → 0.663 against 0.3 + 0.125 + 0.15 = 0.575.
    expect(covered).toBe(0.663);
    expect(troubled).toBe(0.575);
  });

  it('cover: the fewest candidates explaining every symptom, greedy by new symptoms explained', () => {
    const scored = [
      { id: 'a', score: 0.9, explains: ['s1'] },
      { id: 'b', score: 0.5, explains: ['s1', 's2'] },
      { id: 'c', score: 0.5, explains: ['s3'] },
    ];
    expect([...coverOf(scored, ['s1', 's2', 's3'])].sort()).toEqual(['b', 'c']);
  });

  it('cover: equal gain goes to the higher score; equal scores keep the earlier candidate', () => {
    expect([
      ...coverOf(
        [
          { id: 'low', score: 0.4, explains: ['s'] },
          { id: 'high', score: 0.7, explains: ['s'] },
        ],
        ['s'],
      ),
    ]).toEqual(['high']);
    expect([
      ...coverOf(
        [
          { id: 'first', score: 0.5, explains: ['s'] },
          { id: 'second', score: 0.5, explains: ['s'] },
        ],
        ['s'],
      ),
    ]).toEqual(['first']);
  });

  it('cover: stops when no candidate explains a remaining symptom', () => {
    expect([...coverOf([{ id: 'a', score: 1, explains: ['s1'] }], ['s1', 's2'])]).toEqual(['a']);
    expect(coverOf([], ['s1']).size).toBe(0);
  });

  it('order: most symptoms explained, then score, then id', () => {
    const list = [
      { id: 'b', score: 0.5, explains: ['s1'] },
      { id: 'a', score: 0.5, explains: ['s1'] },
      { id: 'c', score: 0.9, explains: ['s1'] },
      { id: 'd', score: 0.1, explains: ['s1', 's2'] },
    ];
    expect([...list].sort(byRootCauseOrder).map((c) => c.id)).toEqual(['d', 'c', 'a', 'b']);
  });
});
