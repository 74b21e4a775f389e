/**
 * Answers of every system reduced to comparable forms, and comparisons that throw (loudly, with the first
 * differences) when two systems disagree — a fast wrong answer must never win a benchmark.
 */

export class AnswerMismatch extends Error {
  constructor(scenario: string, a: string, b: string, detail: string) {
    super(`ANSWERS DISAGREE in "${scenario}": ${a} vs ${b}: ${detail}`);
    this.name = 'AnswerMismatch';
  }
}

const first = <T>(items: T[], n = 5): string =>
  JSON.stringify(items.slice(0, n)) + (items.length > n ? ` … (${items.length} in all)` : '');

/**
 * Two maps CI id → shortest distance must be equal. When `aTruncated` (a stopped at its limit), every CI of `a` must
 * be in `b`, never nearer than in `b`, and `b` must be at least as large: a capped closure may miss the shortest way
 * to a CI at its edge (the way runs through CIs beyond the cap), so such a CI can come out deeper — never shallower.
 */
export function sameDepths(
  scenario: string,
  aName: string,
  a: Map<string, number>,
  bName: string,
  b: Map<string, number>,
  aTruncated = false,
): void {
  const onlyA = [...a.keys()].filter((id) => !b.has(id));
  const wrong = (d: number, truth: number): boolean => (aTruncated ? d < truth : d !== truth);
  const wrongDepth = [...a.entries()]
    .filter(([id, d]) => b.has(id) && wrong(d, b.get(id) as number))
    .map(([id, d]) => `${id}: ${d} vs ${b.get(id)}`);
  const onlyB = aTruncated ? [] : [...b.keys()].filter((id) => !a.has(id));
  if (onlyA.length || onlyB.length || wrongDepth.length || (aTruncated && b.size < a.size)) {
    throw new AnswerMismatch(
      scenario,
      aName,
      bName,
      `${a.size} vs ${b.size} CIs; only in ${aName}: ${first(onlyA)}; only in ${bName}: ${first(onlyB)}; different depth: ${first(wrongDepth)}`,
    );
  }
}

/** Two sets of ids must be equal (or `a` a subset of `b` when `subset`). */
export function sameIds(
  scenario: string,
  aName: string,
  a: Iterable<string>,
  bName: string,
  b: Iterable<string>,
  subset = false,
): void {
  const as = new Set(a);
  const bs = new Set(b);
  const onlyA = [...as].filter((id) => !bs.has(id));
  const onlyB = subset ? [] : [...bs].filter((id) => !as.has(id));
  if (onlyA.length || onlyB.length) {
    throw new AnswerMismatch(
      scenario,
      aName,
      bName,
      `${as.size} vs ${bs.size} ids${subset ? ' (subset expected)' : ''}; only in ${aName}: ${first(onlyA)}; only in ${bName}: ${first(onlyB)}`,
    );
  }
}

/** Deep equality of two JSON answers (same query through different layers). */
export function sameJson(scenario: string, aName: string, a: unknown, bName: string, b: unknown): void {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  if (x !== y) {
    let i = 0;
    while (i < x.length && x[i] === y[i]) i++;
    throw new AnswerMismatch(
      scenario,
      aName,
      bName,
      `JSON differs at ${i}: …${x.slice(Math.max(0, i - 60), i + 80)}… vs …${y.slice(Math.max(0, i - 60), i + 80)}…`,
    );
  }
}

/** A CI with its relationships, in a shape every system can be reduced to. */
export interface CIWithRelationships {
  id: string;
  name: string;
  class: string;
  relationships: Array<{ type: string; outgoing: boolean; ci: { id: string; name: string; class: string } | null }>;
}

/** Order-insensitive lines: one per CI, one per relationship (with the related CI, or `-` for a party end). */
export function pageLines(rows: CIWithRelationships[]): string[] {
  const lines: string[] = [];
  for (const [i, row] of rows.entries()) {
    lines.push(`${String(i).padStart(5, '0')} ${row.id} ${row.name} ${row.class}`);
    for (const r of row.relationships)
      lines.push(
        `${row.id} ${r.type} ${r.outgoing ? 'OUT' : 'IN'} ${r.ci ? `${r.ci.id} ${r.ci.name} ${r.ci.class}` : '-'}`,
      );
  }
  return lines.sort();
}

export function samePage(
  scenario: string,
  aName: string,
  a: CIWithRelationships[],
  bName: string,
  b: CIWithRelationships[],
): void {
  const x = pageLines(a);
  const y = pageLines(b);
  const xs = new Set(x);
  const ys = new Set(y);
  const onlyA = x.filter((l) => !ys.has(l));
  const onlyB = y.filter((l) => !xs.has(l));
  if (x.length !== y.length || onlyA.length || onlyB.length) {
    throw new AnswerMismatch(
      scenario,
      aName,
      bName,
      `${a.length} vs ${b.length} CIs, ${x.length} vs ${y.length} lines; only in ${aName}: ${first(onlyA, 3)}; only in ${bName}: ${first(onlyB, 3)}`,
    );
  }
}

export interface Candidate {
  id: string;
  explains: number;
  score: number;
}

/**
 * Root cause: every candidate ServiceGraph ranks in its top `limit` must be in the peer's ranked list with the same
 * number of symptoms explained and the same score (±0.001, both round to 3 decimals); the lists rank by (explains,
 * score) — ties may be ordered differently, so the peer is asked for more than `limit` and the last ranks compared.
 */
export function sameCandidates(scenario: string, aName: string, a: Candidate[], bName: string, b: Candidate[]): void {
  const byId = new Map(b.map((c) => [c.id, c]));
  const wrong: string[] = [];
  for (const c of a) {
    const o = byId.get(c.id);
    if (!o) wrong.push(`${c.id} (explains ${c.explains}, score ${c.score}) missing in ${bName}`);
    else if (o.explains !== c.explains || Math.abs(o.score - c.score) > 0.0011)
      wrong.push(`${c.id}: explains ${c.explains}/${o.explains}, score ${c.score}/${o.score}`);
  }
  const lastA = a[a.length - 1];
  const atSameRank = b[a.length - 1];
  if (
    lastA &&
    atSameRank &&
    (atSameRank.explains > lastA.explains ||
      (atSameRank.explains === lastA.explains && atSameRank.score > lastA.score + 0.0011))
  ) {
    wrong.push(
      `${bName} ranks a better candidate at ${a.length}: ${JSON.stringify(atSameRank)} vs ${JSON.stringify(lastA)}`,
    );
  }
  if (b.length < a.length) wrong.push(`${bName} has ${b.length} candidates, ${aName} ${a.length}`);
  if (wrong.length) throw new AnswerMismatch(scenario, aName, bName, first(wrong));
}
