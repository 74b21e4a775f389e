/**
 * Cypher of the analyses. Traversals use APOC's path expander (breadth-first, each node once, bounded depth and
 * count) with relationship filters built from the registry — `<DEPENDS_ON` follows incoming DEPENDS_ON (who
 * depends on the failed CI), `MEMBER_OF>` outgoing (the cluster of a failed member). Filters travel as parameters.
 */
import { int, type Tx } from '../../shared/db';
import { stateAt } from '../../shared/db/temporal';
import { RELATIONSHIP_TYPES, type RelationshipTypeDef } from '../cmdb';
import { EdgeList, type ImpactEdge, type ImpactNode, type IndexedEdges } from './propagation';

/**
 * The relationship types whose `to` end is a redundancy group (registry: `redundancy`), as a list parameter and as
 * the type expression of a pattern (`MEMBER_OF|INSTANCE_OF`). The registry's relationship types are closed, and
 * their names come from it, never from user text; a pattern with the types spelled out keeps the typed expansion.
 */
const REDUNDANCY_TYPES = RELATIONSHIP_TYPES.filter((t) => t.redundancy).map((t) => t.name);
const REDUNDANCY_PATTERN = REDUNDANCY_TYPES.join('|');

/** APOC relationship filter for "who is impacted" (impact) or "what does it rely on" (dependencies). */
export function relationshipFilter(
  types: readonly RelationshipTypeDef[],
  direction: 'impact' | 'dependencies',
): string {
  return types
    .filter((t) => t.impacted !== 'none')
    .map((t) => {
      // impacted 'from': the failure of `to` reaches `from`, i.e. impact walks the edge backwards.
      const backwards = (t.impacted === 'from') === (direction === 'impact');
      return backwards ? `<${t.name}` : `${t.name}>`;
    })
    .join('|');
}

export interface ImpactNodeRow extends ImpactNode {
  class: string;
  name: string;
  status: string | null;
}

export interface Closure {
  nodes: ImpactNodeRow[];
  /** The relationships of the walked types among the nodes; their ends are positions in `nodes`. */
  edges: IndexedEdges;
  /**
   * With `subscribersOf`: the organizations subscribing to the closure's CIs of those classes (the services), by
   * name, each with those of its services that are in the closure. Without it (or with `at`): absent.
   */
  subscriptions?: SubscriptionRow[];
}

export interface ClosureOptions {
  /** The graph as it stood at this moment. */
  at?: string;
  /** Also read who subscribes to the closure's CIs of these classes (one statement instead of two). */
  subscribersOf?: readonly string[];
  /** Also read when each edge was created (dependencies show it; propagation never reads it). */
  edgeTimes?: boolean;
}

/** The relationship types a closure walks against their direction (`<T` in the filter) and along it (`T>`). */
function directions(filter: string): { against: string[]; along: string[] } {
  const parts = filter.split('|');
  return {
    against: parts.filter((p) => p.startsWith('<')).map((p) => p.slice(1)),
    along: parts.filter((p) => p.endsWith('>')).map((p) => p.slice(0, -1)),
  };
}

/**
 * The closure of the start CIs along `filter` within maxDepth: every CI reached, with the edges propagation can use
 * (the relationships of the walked types between reached CIs) — not every relationship of every node, which would
 * drag in hubs' whole neighbourhoods. Redundancy groups (the targets of member edges in the closure) carry their
 * count of live production members (a stage or RC instance keeps no production service up); other CIs carry 0.
 * The member filter reads `coalesce(m.status, '')`, not `m.status`, on purpose: a bare predicate on the indexed
 * status lets the planner, on stale index statistics (right after a bulk import), count members by scanning the
 * whole status index for every reached CI (3.4 million db hits for a 40-CI closure, seen at 10k CIs); wrapped, the
 * only plan left expands from the group.
 *
 * With `at`, the graph as it stood then: CIs by their revision valid at `at` (absent if they did not exist yet),
 * live relationships created by then, and archived ones (WAS) valid then. The expansion also walks WAS edges both
 * ways (a superset); only edges valid at `at` are returned, so propagation follows the graph of that moment.
 */
export async function impactClosure(
  tx: Tx,
  ids: readonly string[],
  filter: string,
  maxDepth: number,
  limit: number,
  options: ClosureOptions = {},
): Promise<Closure> {
  const { at, subscribersOf, edgeTimes = false } = options;
  const { against, along } = directions(filter);
  const params = { ids, filter, against, along, maxDepth: int(maxDepth), limit: int(limit) };
  if (!at) {
    // One pass: the expansion yields the reached CIs and the relationships among them (the edges propagation can
    // use are exactly those of the walked types between reached CIs); rows travel as lists, not maps, and members
    // are counted (and their minimum read) only for the redundancy groups a member edge of the closure points at;
    // edges carry their creation time only when asked (dependencies show it: 4 ms of a 79 ms hub closure at 10k,
    // measured, that propagation never reads). Asked for (impact), the
    // subscriptions of the closure's services come in the same statement: a round trip fewer than asking for those
    // of the affected services afterwards (propagation only ever drops CIs behind retired ones; the caller filters).
    // Rows of up to 250 entries each: one record holding a hub's whole closure spans many bolt chunks, and the driver
    // decodes such a record byte by byte (measured: most of the client's time on a 10,000-CI closure).
    // Edges name their ends by the nodes' internal ids (`id()`, valid within this one statement; every CI row carries
    // its own): reading two `id` properties per edge and decoding two strings cost 11 ms of 81 on a 5,380-CI hub
    // closure at 10k. An edge whose end is not a CI row (a party) is dropped here, as a label check would. `id()` is
    // deprecated in Neo4j 5 (elementId() would bring strings back); should it go, this is the one place to change.
    const rows = await tx.run(
      `MATCH (s:Entity) USING INDEX SEEK s:Entity(id) WHERE s.id IN $ids AND s:CI
       WITH collect(s) AS starts
       CALL apoc.path.subgraphAll(starts, {relationshipFilter: $filter, maxLevel: $maxDepth, limit: $limit, bfs: true})
         YIELD nodes, relationships
       WITH [n IN nodes WHERE n:CI] AS cis, [r IN relationships WHERE type(r) IN $types] AS rels
       CALL (cis, rels) {
         UNWIND range(0, size(cis) - 1, 250) AS i
         RETURN 'nodes' AS part, [n IN cis[i..i + 250] | [id(n), n.id, n.class, n.name, n.status,
                                   coalesce(n.a_environment, 'production') = 'production']] AS items
         UNION ALL
         UNWIND range(0, size(rels) - 1, 250) AS i
         RETURN 'edges' AS part, [r IN rels[i..i + 250] | [type(r), id(startNode(r)), id(endNode(r)), CASE WHEN $edgeTimes THEN r.createdAt.epochMillis END]] AS items
         UNION ALL
         RETURN 'groups' AS part,
                [g IN apoc.coll.toSet([r IN rels WHERE type(r) IN $redundancyTypes | endNode(r)]) |
                   [id(g), COUNT { (g)<-[:${REDUNDANCY_PATTERN}]-(m:CI)
                                   WHERE coalesce(m.status, '') <> 'RETIRED' AND coalesce(m.a_environment, 'production') = 'production' },
                    g.a_minimumMembers]] AS items
         UNION ALL
         UNWIND [n IN cis WHERE n.class IN $serviceClasses] AS s
         UNWIND [(o:Organization)-[:SUBSCRIBES_TO]->(s) | o] AS o
         WITH o, collect(id(s)) AS services ORDER BY o.name, o.id
         RETURN 'subscriptions' AS part, collect([o.id, o.name, services]) AS items
       }
       RETURN part, items`,
      {
        ...params,
        types: [...against, ...along],
        serviceClasses: subscribersOf ?? [],
        edgeTimes,
        redundancyTypes: REDUNDANCY_TYPES,
      },
    );
    const byPart: Record<string, unknown[][][]> = { nodes: [], edges: [], groups: [], subscriptions: [] };
    for (const row of rows) byPart[row.part as string]!.push(row.items as unknown[][]);
    // Redundancy groups: live production members, and how many must be up (only groups have a minimum).
    const groups = new Map<number, [members: number, minimumMembers: number | null]>();
    for (const items of byPart.groups!)
      for (const [g, count, minimum] of items as Array<[number, number, number | null]>)
        groups.set(g, [count, minimum]);
    const positionOf = new Map<number, number>();
    const nodes: ImpactNodeRow[] = [];
    for (const items of byPart.nodes!) {
      for (const [key, id, cls, name, status, production] of items) {
        positionOf.set(key as number, nodes.length);
        const group = groups.get(key as number);
        nodes.push({
          id: id as string,
          class: cls as string,
          name: name as string,
          status: (status as string | null) ?? null,
          minimumMembers: group?.[1] ?? null,
          production: production as boolean,
          memberCount: group?.[0] ?? 0,
        });
      }
    }
    const list = new EdgeList(byPart.edges!.reduce((n, items) => n + items.length, 0));
    for (const items of byPart.edges!) {
      for (const [type, from, to, createdAt] of items) {
        const a = positionOf.get(from as number);
        const b = positionOf.get(to as number);
        if (a !== undefined && b !== undefined) list.add(type as string, a, b, createdAt as number | null);
      }
    }
    const edges = list.edges;
    if (!subscribersOf) return { nodes, edges };
    const subscriptions: SubscriptionRow[] = [];
    for (const items of byPart.subscriptions!) {
      for (const [customerId, name, services] of items as Array<[string, string, number[]]>) {
        subscriptions.push({
          customerId,
          name,
          serviceIds: services.map((key) => (nodes[positionOf.get(key) as number] as ImpactNodeRow).id),
        });
      }
    }
    return { nodes, edges, subscriptions };
  }
  const rows = await tx.run(
    `WITH datetime($at) AS t
     MATCH (s:Entity) USING INDEX SEEK s:Entity(id) WHERE s.id IN $ids AND s:CI
     WITH t, collect(s) AS starts
     CALL apoc.path.subgraphNodes(starts, {relationshipFilter: $filter + '|WAS', maxLevel: $maxDepth, limit: $limit, bfs: true})
       YIELD node
     WITH t, node AS n WHERE n:CI
     ${stateAt('n', 't')}
     WITH t, n, state AS v
     CALL (n, t) {
       OPTIONAL MATCH (n)<-[r]-(x:CI)
       WHERE (type(r) IN $against AND r.createdAt <= t) OR (r:WAS AND r.type IN $against AND r.validFrom <= t AND r.validTo > t)
       RETURN collect({type: coalesce(r.type, type(r)), fromId: x.id, toId: n.id, createdAt: r.createdAt.epochMillis}) AS incoming
     }
     CALL (n, t) {
       OPTIONAL MATCH (n)-[r]->(y:CI)
       WHERE (type(r) IN $along AND r.createdAt <= t) OR (r:WAS AND r.type IN $along AND r.validFrom <= t AND r.validTo > t)
       RETURN collect({type: coalesce(r.type, type(r)), fromId: n.id, toId: y.id, createdAt: r.createdAt.epochMillis}) AS outgoing
     }
     RETURN v {
              .id, .class, .name, .status,
              minimumMembers: v.a_minimumMembers,
              production: coalesce(v.a_environment, 'production') = 'production',
              memberCount: COUNT { MATCH (n)<-[m]-(mem:CI)
                WHERE ((m:${REDUNDANCY_PATTERN} AND m.createdAt <= t)
                       OR (m:WAS AND m.type IN $redundancyTypes AND m.validFrom <= t AND m.validTo > t))
                  AND ((mem.updatedAt <= t AND mem.status <> 'RETIRED' AND coalesce(mem.a_environment, 'production') = 'production')
                       OR (mem.updatedAt > t AND EXISTS { MATCH (mv:Revision {id: mem.id}) USING INDEX SEEK mv:Revision(id)
                             WHERE mv.validFrom <= t AND mv.validTo > t
                               AND mv.status <> 'RETIRED' AND coalesce(mv.a_environment, 'production') = 'production' })) }
            } AS node, incoming + outgoing AS edges`,
    { ...params, at, redundancyTypes: REDUNDANCY_TYPES },
  );
  const nodes = rows.map((r) => r.node as ImpactNodeRow);
  const positionOf = new Map(nodes.map((node, i) => [node.id, i]));
  const all = rows.flatMap((r) => r.edges as ImpactEdge[]);
  const list = new EdgeList(all.length);
  for (const e of all) {
    // An edge to a CI that did not exist at `at` (no revision then) joins nothing.
    const a = positionOf.get(e.fromId);
    const b = positionOf.get(e.toId);
    if (a !== undefined && b !== undefined) list.add(e.type, a, b, e.createdAt);
  }
  return { nodes, edges: list.edges };
}

export interface SubscriptionRow {
  customerId: string;
  name: string;
  serviceIds: string[];
}

/** Organizations subscribing to any of these services. */
export async function subscribers(tx: Tx, serviceIds: readonly string[]): Promise<SubscriptionRow[]> {
  const rows = await tx.run(
    `UNWIND $serviceIds AS sid
     MATCH (s:Entity {id: sid}) USING INDEX SEEK s:Entity(id)
     MATCH (o:Organization)-[:SUBSCRIBES_TO]->(s)
     WITH o, collect(s.id) AS serviceIds ORDER BY o.name
     RETURN o.id AS customerId, o.name AS name, serviceIds`,
    { serviceIds },
  );
  return rows.map((r) => ({
    customerId: r.customerId as string,
    name: r.name as string,
    serviceIds: r.serviceIds as string[],
  }));
}

export interface TreeRow {
  /** The CI the tree starts at (dependencies) or the symptom (root cause). */
  rootId: string;
  /** CI ids from the root to the reached CI. */
  path: string[];
  /** Relationship per hop: type and whether it points along the path (root → reached). */
  hops: Array<{ type: string; forward: boolean }>;
}

/** Breadth-first spanning trees from each root along `filter`: one shortest path to every reachable CI. */
export async function spanningTrees(
  tx: Tx,
  rootIds: readonly string[],
  filter: string,
  maxDepth: number,
  limit: number,
): Promise<TreeRow[]> {
  const rows = await tx.run(
    `UNWIND $rootIds AS rootId
     MATCH (root:Entity {id: rootId}) USING INDEX SEEK root:Entity(id) WHERE root:CI
     CALL apoc.path.spanningTree(root, {relationshipFilter: $filter, maxLevel: $maxDepth, limit: $limit, bfs: true})
       YIELD path
     WITH rootId, path WHERE length(path) > 0 AND last(nodes(path)):CI
     WITH rootId, nodes(path) AS ns, relationships(path) AS rs
     RETURN rootId, [n IN ns | n.id] AS path,
            [i IN range(0, size(rs) - 1) | {type: type(rs[i]), forward: startNode(rs[i]) = ns[i]}] AS hops`,
    { rootIds, filter, maxDepth: int(maxDepth), limit: int(limit) },
  );
  return rows.map((r) => ({ rootId: r.rootId as string, path: r.path as string[], hops: r.hops as TreeRow['hops'] }));
}

export interface AuditChangeRow {
  entityId: string;
  at: string;
  actor: string;
  operation: string;
  before: string | null;
  after: string | null;
}

/** Configuration changes recorded on these CIs since a moment, newest first. */
export async function changesSince(tx: Tx, ids: readonly string[], since: string): Promise<AuditChangeRow[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (a:AuditEntry {entityId: id})
     WHERE a.at >= datetime($since) AND a.action IN ['create', 'update', 'retire']
     RETURN id AS entityId, a.at AS at, a.actor AS actor, a.operation AS operation, a.before AS before, a.after AS after
     ORDER BY a.at DESC`,
    { ids, since },
  );
  // Shape fixed by this query's RETURN projection; the rows are not decoded field by field.
  return rows as unknown as AuditChangeRow[];
}

export interface ReachedCI {
  id: string;
  class: string;
  name: string;
  status: string | null;
  /** Hops from the start (0: the start itself). */
  depth: number;
}

/**
 * The CIs reached from `id` along `filter` within maxDepth, each at its shortest distance, without the relationships
 * among them: a breadth-first expansion through CIs only, each CI once (APOC's `expandConfig` with NODE_GLOBAL
 * uniqueness, which is what `subgraphNodes` runs, keeping each path's length). The same CIs and depths as a walk of
 * `impactClosure`'s edges while no reached CI is retired (a retired CI stops a walk; the caller checks) and the
 * expansion stops short of `limit`. Rows of up to 250 entries (see impactClosure).
 */
export async function reachedCIs(
  tx: Tx,
  id: string,
  filter: string,
  maxDepth: number,
  limit: number,
): Promise<ReachedCI[]> {
  const rows = await tx.run(
    `MATCH (s:Entity {id: $id}) USING INDEX SEEK s:Entity(id) WHERE s:CI
     CALL apoc.path.expandConfig(s, {relationshipFilter: $filter, labelFilter: '+CI', maxLevel: $maxDepth, limit: $limit,
                                     bfs: true, uniqueness: 'NODE_GLOBAL'})
       YIELD path
     WITH collect([last(nodes(path)), length(path)]) AS reached
     UNWIND range(0, size(reached) - 1, 250) AS i
     RETURN [x IN reached[i..i + 250] | [x[0].id, x[0].class, x[0].name, x[0].status, x[1]]] AS items`,
    { id, filter, maxDepth: int(maxDepth), limit: int(limit) },
  );
  const out: ReachedCI[] = [];
  for (const row of rows) {
    for (const [ci, cls, name, status, depth] of row.items as unknown[][]) {
      out.push({
        id: ci as string,
        class: cls as string,
        name: name as string,
        status: (status as string | null) ?? null,
        depth: depth as number,
      });
    }
  }
  return out;
}

/**
 * Whether `reachedCIs`' answer is the dependency tree itself: the start was found, no other CI reached is retired
 * (a retired CI stops the walk) and the expansion stayed within `cap` CIs. Otherwise walk the closure's edges.
 */
export function reachIsTree(reached: readonly ReachedCI[], cap: number): boolean {
  return reached.length > 0 && reached.length <= cap && reached.every((r) => r.depth === 0 || r.status !== 'RETIRED');
}

export interface CISummaryRow {
  class: string;
  name: string;
  status: string | null;
}

/** What evidence lines and summary answers need of CIs (name, class, status), by id; unknown ids are left out. */
export async function summariesOf(tx: Tx, ids: readonly string[]): Promise<Map<string, CISummaryRow>> {
  const rows = await tx.run(
    'UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) WHERE n:CI RETURN n.id AS id, n.class AS class, n.name AS name, n.status AS status',
    { ids },
  );
  return new Map(
    rows.map((r) => [
      r.id as string,
      { class: r.class as string, name: r.name as string, status: (r.status as string | null) ?? null },
    ]),
  );
}
