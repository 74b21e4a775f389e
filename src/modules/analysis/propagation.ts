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
import type { ImpactedEnd } from '../cmdb';

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

/**
 * A closure's edges as parallel arrays: the ends are positions in the closure's node list, the type an index into
 * `types`. (A hub's closure is 10,000 CIs and 15,000 edges: an object per edge and string-keyed maps cost more than
 * the walk itself.)
 */
export interface IndexedEdges {
  count: number;
  from: Int32Array;
  to: Int32Array;
  type: Uint16Array;
  types: string[];
  /** Epoch milliseconds; NaN when unknown. */
  createdAt: Float64Array;
}

/** Collects IndexedEdges (capacity known up front; the types indexed as they come). */
export class EdgeList {
  readonly edges: IndexedEdges;
  private readonly typeIndex = new Map<string, number>();

  constructor(capacity: number) {
    this.edges = {
      count: 0,
      from: new Int32Array(capacity),
      to: new Int32Array(capacity),
      type: new Uint16Array(capacity),
      types: [],
      createdAt: new Float64Array(capacity),
    };
  }

  add(type: string, from: number, to: number, createdAt: number | null | undefined): void {
    const edges = this.edges;
    let t = this.typeIndex.get(type);
    if (t === undefined) {
      t = edges.types.length;
      this.typeIndex.set(type, t);
      edges.types.push(type);
    }
    const e = edges.count++;
    edges.from[e] = from;
    edges.to[e] = to;
    edges.type[e] = t;
    edges.createdAt[e] = createdAt ?? Number.NaN;
  }
}

/**
 * Compressed adjacency over `n` positions: the items whose source is s (`sources[i] === s`) are
 * order[start[s] .. start[s + 1]), in the order they came.
 */
export function adjacency(n: number, sources: readonly number[]): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(n + 1);
  for (const s of sources) start[s + 1] = (start[s + 1] as number) + 1;
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const order = new Int32Array(sources.length);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] as number;
    order[fill[s] as number] = i;
    fill[s] = (fill[s] as number) + 1;
  }
  return { start, order };
}

/** Propagation over positions: per reached CI (in the order first affected) its state rank, depth and the way in. */
export interface IndexedPropagation {
  /** Positions, in the order they were first affected. */
  reached: number[];
  /** 1: DEGRADED, 2: DOWN (0: not affected). */
  rank: Uint8Array;
  depth: Int32Array;
  /** Position of the CI it was reached from (-1 for a failed input). */
  via: Int32Array;
  /** Index into the edges' `types` of the relationship it was reached through (-1 for a failed input). */
  viaType: Int32Array;
  truncated: boolean;
}

export const stateOfRank = (rank: number): ImpactState => (rank === RANK.DOWN ? 'DOWN' : 'DEGRADED');

/**
 * Propagates over `nodes` (position = index) and `edges` between them. `failed` are positions; a `blocked` node
 * (a retired CI) neither is reached nor carries anything.
 */
export function propagateIndexed(
  nodes: readonly ImpactNode[],
  edges: IndexedEdges,
  rules: ReadonlyMap<string, EdgeRule>,
  failed: readonly number[],
  scenario: ImpactState,
  options: { maxDepth: number; maxAffected: number },
  blocked?: Uint8Array,
): IndexedPropagation {
  const n = nodes.length;
  const typeRules = edges.types.map((t) => rules.get(t));
  // Who is impacted by whom (source → targets, in edge order), and per redundancy group its production members.
  const sources: number[] = [];
  const targets: number[] = [];
  const edgeTypes: number[] = [];
  const edgeRedundancy: boolean[] = [];
  const membersOf = new Map<number, Set<number>>();
  for (let e = 0; e < edges.count; e++) {
    const t = edges.type[e] as number;
    const rule = typeRules[t];
    if (!rule || rule.impacted === 'none') continue;
    const from = edges.from[e] as number;
    const to = edges.to[e] as number;
    if (blocked && (blocked[from] || blocked[to])) continue;
    const source = rule.impacted === 'from' ? to : from;
    const target = rule.impacted === 'from' ? from : to;
    if (source === target) continue;
    const redundancy = rule.redundancy && rule.impacted === 'to';
    // A non-production member neither counts for nor hurts its group: its member edge carries nothing (else the
    // group could be reached through it, a hop early, once a production member is hurt).
    if (redundancy && nodes[source]?.production === false) continue;
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
  const { start, order } = adjacency(n, sources);

  const rank = new Uint8Array(n); // RANK of each CI's state (0: up)
  const depth = new Int32Array(n);
  const via = new Int32Array(n).fill(-1);
  const viaType = new Int32Array(n).fill(-1);
  const reached: number[] = []; // in the order they were first affected
  const scenarioRank = RANK[scenario];
  for (const f of failed) {
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
    const node = nodes[group];
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
  return { reached, rank, depth, via, viaType, truncated };
}

/**
 * The same over ids: nodes by id, edges naming their ends by id (an end not among the nodes, or a failed id, becomes
 * a node without properties). Returns the affected CIs by id, in the order first affected.
 */
export function propagate(
  nodes: ReadonlyMap<string, ImpactNode>,
  edges: readonly ImpactEdge[],
  rules: ReadonlyMap<string, EdgeRule>,
  failed: readonly string[],
  scenario: ImpactState,
  options: { maxDepth: number; maxAffected: number },
): PropagationResult {
  const index = new Map<string, number>();
  const list: ImpactNode[] = [];
  const positionOf = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = list.length;
      index.set(id, i);
      list.push(nodes.get(id) ?? { id });
    }
    return i;
  };
  for (const id of nodes.keys()) positionOf(id);
  const failedAt = failed.map(positionOf);
  const indexed = new EdgeList(edges.length);
  for (const edge of edges) indexed.add(edge.type, positionOf(edge.fromId), positionOf(edge.toId), edge.createdAt);
  const { types } = indexed.edges;
  const result = propagateIndexed(list, indexed.edges, rules, failedAt, scenario, options);
  const affected = new Map<string, Affected>();
  for (const i of result.reached) {
    const v = result.via[i] as number;
    const id = (list[i] as ImpactNode).id;
    affected.set(id, {
      id,
      state: stateOfRank(result.rank[i] as number),
      depth: result.depth[i] as number,
      via: v < 0 ? null : (list[v] as ImpactNode).id,
      viaType: v < 0 ? null : (types[result.viaType[i] as number] as string),
    });
  }
  return { affected, truncated: result.truncated };
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
