/**
 * Outage propagation over an impact subgraph fetched from Neo4j (pure: no database here).
 *
 * Each relationship type declares its impacted end (registry): for `from`, a failure of `to` reaches `from`
 * (an app RUNS_ON a VM that fails); for `to`, a failure of `from` reaches `to` (a member of a cluster fails).
 * A redundancy group (the `to` end of MEMBER_OF / INSTANCE_OF) with members down stays up while the members still
 * up are at least its `minimumMembers` (default 1): then it is DEGRADED; below the minimum it is DOWN.
 * DEGRADED propagates as DEGRADED. States only ever get worse, so cycles terminate (a monotone fixpoint); `depth`
 * and `via` record the first (shortest) way each CI was reached, so a person sees why.
 */
import type { ImpactedEnd } from '../cmdb/registry';

export type ImpactState = 'DOWN' | 'DEGRADED';

const RANK: Record<ImpactState | 'UP', number> = { UP: 0, DEGRADED: 1, DOWN: 2 };

export interface ImpactNode {
  id: string;
  /** False for non-production members (environment stage, rc, ...): they neither count nor hurt a redundancy group. */
  production?: boolean;
  /** For redundancy groups: members needed up (default 1) and how many members it has in all. */
  minimumMembers?: number | null;
  memberCount?: number;
}

export interface ImpactEdge {
  type: string;
  fromId: string;
  toId: string;
  /** Epoch milliseconds (datetimes travel as numbers on this hot read). */
  createdAt?: number | null;
}

export interface EdgeRule {
  impacted: ImpactedEnd;
  redundancy: boolean;
}

export interface Affected {
  id: string;
  state: ImpactState;
  depth: number;
  /** The CI it was reached from (null for a failed input) and the relationship type. */
  via: string | null;
  viaType: string | null;
}

export interface PropagationResult {
  affected: Map<string, Affected>;
  /** True when `maxAffected` stopped the propagation. */
  truncated: boolean;
}

export function propagate(
  nodes: ReadonlyMap<string, ImpactNode>,
  edges: readonly ImpactEdge[],
  rules: ReadonlyMap<string, EdgeRule>,
  failed: readonly string[],
  scenario: ImpactState,
  options: { maxDepth: number; maxAffected: number },
): PropagationResult {
  // Who is impacted by whom: source → [{target, type, redundancy}]; and, per redundancy group, its member edges.
  const reaches = new Map<string, Array<{ target: string; type: string; redundancy: boolean }>>();
  const membersOf = new Map<string, Set<string>>();
  for (const edge of edges) {
    const rule = rules.get(edge.type);
    if (!rule || rule.impacted === 'none') continue;
    const source = rule.impacted === 'from' ? edge.toId : edge.fromId;
    const target = rule.impacted === 'from' ? edge.fromId : edge.toId;
    if (source === target) continue;
    const redundancy = rule.redundancy && rule.impacted === 'to';
    // A non-production member neither counts for nor hurts its group: its member edge carries nothing (else the
    // group could be reached through it, a hop early, once a production member is hurt).
    if (redundancy && nodes.get(source)?.production === false) continue;
    let list = reaches.get(source);
    if (!list) reaches.set(source, (list = []));
    list.push({ target, type: edge.type, redundancy });
    if (redundancy) {
      let members = membersOf.get(target);
      if (!members) membersOf.set(target, (members = new Set()));
      members.add(source);
    }
  }

  const affected = new Map<string, Affected>();
  const rank = (id: string): number => RANK[affected.get(id)?.state ?? 'UP'];
  for (const id of failed) affected.set(id, { id, state: scenario, depth: 0, via: null, viaType: null });

  // The state a redundancy group gets from its members.
  const groupState = (group: string): ImpactState | undefined => {
    const members = membersOf.get(group);
    if (!members) return undefined;
    let down = 0;
    let hurt = 0;
    for (const m of members) {
      const r = rank(m);
      if (r === RANK.DOWN) down += 1;
      if (r > 0) hurt += 1;
    }
    if (!hurt) return undefined;
    const node = nodes.get(group);
    const total = Math.max(node?.memberCount ?? 0, members.size);
    const minimum = node?.minimumMembers ?? 1;
    return total - down < minimum ? 'DOWN' : 'DEGRADED';
  };

  let truncated = false;
  let frontier = [...failed];
  while (frontier.length && !truncated) {
    const next: string[] = [];
    for (const source of frontier) {
      const from = affected.get(source);
      if (!from || from.depth >= options.maxDepth) continue;
      for (const { target, type, redundancy } of reaches.get(source) ?? []) {
        const candidate: ImpactState | undefined = redundancy ? groupState(target) : from.state;
        if (!candidate || RANK[candidate] <= rank(target)) continue;
        const known = affected.get(target);
        if (!known && affected.size >= options.maxAffected) {
          truncated = true;
          break;
        }
        if (known) known.state = candidate;
        else affected.set(target, { id: target, state: candidate, depth: from.depth + 1, via: source, viaType: type });
        next.push(target);
      }
      if (truncated) break;
    }
    frontier = next;
  }
  return { affected, truncated };
}

/** The chain of CI ids from a failed input to `id`, following `via`. */
export function pathTo(affected: ReadonlyMap<string, Affected>, id: string): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  let current: string | null = id;
  while (current && !seen.has(current)) {
    seen.add(current);
    path.unshift(current);
    current = affected.get(current)?.via ?? null;
  }
  return path;
}
