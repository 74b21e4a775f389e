/**
 * Root-cause scoring (pure: no database here). A candidate is a CI that symptoms reach along their dependencies; it
 * explains those symptoms. Candidates are kept by how many symptoms they explain, scored on that coverage, on how
 * close they sit to the symptoms and on the evidence recorded against them (recent configuration changes, known
 * errors, open incidents), then a greedy set cover picks the fewest candidates that together explain every symptom.
 */

/** How much each part of the evidence weighs in a score (they sum to 1, so a score lies in [0, 1]). */
export const ROOT_CAUSE_WEIGHTS = {
  /** The share of the symptoms the candidate explains: the strongest evidence. */
  coverage: 0.6,
  /** Closeness: 1 / (1 + the mean number of hops from its symptoms to it); a symptom itself scores 1. */
  proximity: 0.25,
  /** Recorded trouble on the candidate (see SIGNAL_SATURATION). */
  signal: 0.15,
} as const;

/**
 * How much of each kind of evidence makes the signal full (1): two recent changes, or one known error, or two open
 * incidents; kinds add up (one change and one open incident make it full too), and more than full counts as full.
 */
export const SIGNAL_SATURATION = { recentChanges: 2, knownErrors: 1, openIncidents: 2 } as const;

/** Candidates scored at most: those explaining the most symptoms (evidence is read for these only). */
export const MAX_CANDIDATES = 500;

/** Scores are rounded to this many decimals (answers stay stable across floating-point noise). */
const SCORE_DECIMALS = 3;

/** A symptom's way to a candidate: the CIs from the symptom up to the candidate (both included). */
export interface SymptomPath {
  path: readonly string[];
}

export interface Candidate<P extends SymptomPath> {
  id: string;
  /** Symptom id → its path to this candidate. */
  by: ReadonlyMap<string, P>;
  /** Share of all symptoms this candidate explains. */
  coverage: number;
}

/**
 * The candidates worth scoring, most symptoms explained first (ties keep their order in `explained`), at most
 * MAX_CANDIDATES. A candidate explaining only itself (a symptom nothing else leads to) says nothing and is left out.
 */
export function candidatesOf<P extends SymptomPath>(
  explained: ReadonlyMap<string, ReadonlyMap<string, P>>,
  symptomCount: number,
): Array<Candidate<P>> {
  return [...explained.entries()]
    .filter(([id, by]) => [...by.keys()].some((s) => s !== id))
    .map(([id, by]) => ({ id, by, coverage: by.size / symptomCount }))
    .sort((a, b) => b.coverage - a.coverage)
    .slice(0, MAX_CANDIDATES);
}

export interface Evidence {
  recentChanges: number;
  knownErrors: number;
  openIncidents: number;
}

/** The evidence recorded against a candidate as a number in [0, 1] (see SIGNAL_SATURATION). */
export function signalOf(evidence: Evidence): number {
  return Math.min(
    1,
    evidence.recentChanges / SIGNAL_SATURATION.recentChanges +
      evidence.knownErrors / SIGNAL_SATURATION.knownErrors +
      evidence.openIncidents / SIGNAL_SATURATION.openIncidents,
  );
}

/** A candidate's score in [0, 1], rounded to SCORE_DECIMALS. */
export function scoreOf(candidate: Candidate<SymptomPath>, evidence: Evidence): number {
  let hops = 0;
  for (const p of candidate.by.values()) hops += p.path.length - 1;
  const meanHops = hops / candidate.by.size;
  const score =
    ROOT_CAUSE_WEIGHTS.coverage * candidate.coverage +
    ROOT_CAUSE_WEIGHTS.proximity * (1 / (1 + meanHops)) +
    ROOT_CAUSE_WEIGHTS.signal * signalOf(evidence);
  const scale = 10 ** SCORE_DECIMALS;
  return Math.round(score * scale) / scale;
}

export interface Scored {
  id: string;
  score: number;
  /** The symptoms it explains. */
  explains: readonly string[];
}

/**
 * Greedy set cover: repeatedly the candidate explaining the most symptoms not yet explained (the higher score
 * breaks a tie; on equal scores the earlier candidate stays), until every symptom is explained or no candidate
 * explains another. The ids chosen.
 */
export function coverOf(scored: readonly Scored[], symptoms: readonly string[]): Set<string> {
  const chosen = new Set<string>();
  const uncovered = new Set(symptoms);
  while (uncovered.size) {
    let best: Scored | undefined;
    let gain = 0;
    for (const c of scored) {
      if (chosen.has(c.id)) continue;
      let g = 0;
      for (const s of c.explains) if (uncovered.has(s)) g += 1;
      if (g > gain || (g === gain && g > 0 && best && c.score > best.score)) {
        best = c;
        gain = g;
      }
    }
    if (!best || !gain) break;
    chosen.add(best.id);
    for (const s of best.explains) uncovered.delete(s);
  }
  return chosen;
}

/** The answer's order: most symptoms explained, then the higher score, then the id (by UTF-16 code units). */
export function byRootCauseOrder(a: Scored, b: Scored): number {
  return b.explains.length - a.explains.length || b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
