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
  // CIs become small integers and the graph typed arrays (a hub's closure is 10,000 CIs and 15,000 edges: string-keyed
  // maps and an object per edge cost more than the walk itself).
  const index = new Map<string, number>();
  const ids: string[] = [];
  const indexOf = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  };
  for (const id of nodes.keys()) indexOf(id);
  for (const id of failed) indexOf(id);

  // Who is impacted by whom (source → targets, in edge order), and per redundancy group its production members.
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const sources: number[] = [];
  const targets: number[] = [];
  const edgeTypes: number[] = [];
  const edgeRedundancy: boolean[] = [];
  const membersOf = new Map<number, Set<number>>();
  for (const edge of edges) {
    const rule = rules.get(edge.type);
    if (!rule || rule.impacted === 'none') continue;
    const sourceId = rule.impacted === 'from' ? edge.toId : edge.fromId;
    const targetId = rule.impacted === 'from' ? edge.fromId : edge.toId;
    if (sourceId === targetId) continue;
    const redundancy = rule.redundancy && rule.impacted === 'to';
    // A non-production member neither counts for nor hurts its group: its member edge carries nothing (else the
    // group could be reached through it, a hop early, once a production member is hurt).
    if (redundancy && nodes.get(sourceId)?.production === false) continue;
    const source = indexOf(sourceId);
    const target = indexOf(targetId);
    let t = typeIndex.get(edge.type);
    if (t === undefined) typeIndex.set(edge.type, (t = types.push(edge.type) - 1));
    sources.push(source);
    targets.push(target);
    edgeTypes.push(t);
    edgeRedundancy.push(redundancy);
    if (redundancy) {
      let members = membersOf.get(target);
      if (!members) membersOf.set(target, (members = new Set()));
      members.add(source);
    }
  }
  const n = ids.length;
  // Compressed adjacency: the edges of source s are order[start[s] .. start[s + 1]), in the order they came.
  const start = new Int32Array(n + 1);
  for (const s of sources) start[s + 1] = (start[s + 1] as number) + 1;
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const order = new Int32Array(sources.length);
  for (let e = 0; e < sources.length; e++) {
    const s = sources[e] as number;
    order[fill[s] as number] = e;
    fill[s] = (fill[s] as number) + 1;
  }

  const rank = new Uint8Array(n); // RANK of each CI's state (0: up)
  const depth = new Int32Array(n);
  const via = new Int32Array(n).fill(-1);
  const viaType = new Int32Array(n).fill(-1);
  const reached: number[] = []; // in the order they were first affected
  const scenarioRank = RANK[scenario];
  for (const id of failed) {
    const f = index.get(id) as number;
    if (rank[f]) continue;
    rank[f] = scenarioRank;
    reached.push(f);
  }

  // The state (rank) a redundancy group gets from its members: 0 while none is hurt.
  const groupRank = (group: number): number => {
    const members = membersOf.get(group);
    if (!members) return 0;
    let down = 0;
    let hurt = 0;
    for (const m of members) {
      const r = rank[m] as number;
      if (r === RANK.DOWN) down += 1;
      if (r > 0) hurt += 1;
    }
    if (!hurt) return 0;
    const node = nodes.get(ids[group] as string);
    const total = Math.max(node?.memberCount ?? 0, members.size);
    const minimum = node?.minimumMembers ?? 1;
    return total - down < minimum ? RANK.DOWN : RANK.DEGRADED;
  };

  let truncated = false;
  let frontier = reached.slice();
  while (frontier.length && !truncated) {
    const next: number[] = [];
    for (const source of frontier) {
      if ((depth[source] as number) >= options.maxDepth) continue;
      for (let k = start[source] as number; k < (start[source + 1] as number); k++) {
        const e = order[k] as number;
        const target = targets[e] as number;
        const candidate = edgeRedundancy[e] ? groupRank(target) : (rank[source] as number);
        if (!candidate || candidate <= (rank[target] as number)) continue;
        const known = (rank[target] as number) > 0;
        if (!known && reached.length >= options.maxAffected) {
          truncated = true;
          break;
        }
        rank[target] = candidate;
        if (!known) {
          depth[target] = (depth[source] as number) + 1;
          via[target] = source;
          viaType[target] = edgeTypes[e] as number;
          reached.push(target);
        }
        next.push(target);
      }
      if (truncated) break;
    }
    frontier = next;
  }

  const affected = new Map<string, Affected>();
  for (const i of reached) {
    const v = via[i] as number;
    affected.set(ids[i] as string, {
      id: ids[i] as string,
      state: rank[i] === RANK.DOWN ? 'DOWN' : 'DEGRADED',
      depth: depth[i] as number,
      via: v < 0 ? null : (ids[v] as string),
      viaType: v < 0 ? null : (types[viaType[i] as number] as string),
    });
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
