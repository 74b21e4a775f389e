import {
  pathTo,
  propagate,
  type EdgeRule,
  type ImpactEdge,
  type ImpactNode,
} from '../../src/modules/analysis/propagation';
import { byDepthThenId } from '../../src/modules/analysis/analysis.service';

const rules = new Map<string, EdgeRule>([
  ['DEPENDS_ON', { impacted: 'from', redundancy: false }],
  ['MEMBER_OF', { impacted: 'to', redundancy: true }],
  ['BACKED_UP_BY', { impacted: 'none', redundancy: false }],
]);

function run(
  nodes: ImpactNode[],
  edges: Array<[string, string, string]>,
  failed: string[],
  scenario: 'DOWN' | 'DEGRADED' = 'DOWN',
  maxDepth = 10,
  maxAffected = 100,
) {
  const e: ImpactEdge[] = edges.map(([fromId, type, toId]) => ({ fromId, type, toId }));
  return propagate(new Map(nodes.map((n) => [n.id, n])), e, rules, failed, scenario, { maxDepth, maxAffected });
}

const states = (r: ReturnType<typeof run>): Record<string, string> =>
  Object.fromEntries([...r.affected.values()].map((a) => [a.id, a.state]));

describe('propagate', () => {
  const cluster = (min: number): ImpactNode[] => [
    { id: 'm1' },
    { id: 'm2' },
    { id: 'm3' },
    { id: 'c', minimumMembers: min, memberCount: 3 },
    { id: 'svc' },
  ];
  const clusterEdges: Array<[string, string, string]> = [
    ['m1', 'MEMBER_OF', 'c'],
    ['m2', 'MEMBER_OF', 'c'],
    ['m3', 'MEMBER_OF', 'c'],
    ['svc', 'DEPENDS_ON', 'c'],
  ];

  it('keeps a cluster DEGRADED above and at its minimum, DOWN below it', () => {
    expect(states(run(cluster(1), clusterEdges, ['m1']))).toEqual({ m1: 'DOWN', c: 'DEGRADED', svc: 'DEGRADED' }); // 2 up > 1
    expect(states(run(cluster(2), clusterEdges, ['m1']))).toEqual({ m1: 'DOWN', c: 'DEGRADED', svc: 'DEGRADED' }); // 2 up = 2
    expect(states(run(cluster(3), clusterEdges, ['m1']))).toEqual({ m1: 'DOWN', c: 'DOWN', svc: 'DOWN' }); // 2 up < 3
  });

  it('counts members the closure did not reach (memberCount) as up', () => {
    const r = run([{ id: 'm1' }, { id: 'c', minimumMembers: 2, memberCount: 3 }], [['m1', 'MEMBER_OF', 'c']], ['m1']);
    expect(states(r).c).toBe('DEGRADED');
  });

  it('never reaches a cluster through a non-production member, even once a production member is hurt', () => {
    // x fails; m1 (production) and st (a stage instance) both rely on it. The cluster is hurt through m1 only:
    // st's MEMBER_OF edge carries nothing, so the cluster's path is x → m1 → c whichever edge is walked first.
    const nodes: ImpactNode[] = [
      { id: 'x' },
      { id: 'st', production: false },
      { id: 'm1' },
      { id: 'm2' },
      { id: 'c', minimumMembers: 1, memberCount: 2 },
    ];
    for (const order of [
      ['st', 'm1'],
      ['m1', 'st'],
    ] as const) {
      const edges: Array<[string, string, string]> = [
        ...order.map((m): [string, string, string] => [m, 'DEPENDS_ON', 'x']),
        ...order.map((m): [string, string, string] => [m, 'MEMBER_OF', 'c']),
        ['m2', 'MEMBER_OF', 'c'],
      ];
      const r = run(nodes, edges, ['x']);
      expect(states(r)).toEqual({ x: 'DOWN', st: 'DOWN', m1: 'DOWN', c: 'DEGRADED' });
      expect(pathTo(r.affected, 'c')).toEqual(['x', 'm1', 'c']);
    }
    // A stage instance alone down leaves the cluster untouched.
    expect(
      states(
        run(
          nodes,
          [
            ['st', 'MEMBER_OF', 'c'],
            ['m1', 'MEMBER_OF', 'c'],
          ],
          ['st'],
        ),
      ),
    ).toEqual({ st: 'DOWN' });
  });

  it('raises a cluster from DEGRADED to DOWN when a later member falls, keeping its first path', () => {
    const r = run([...cluster(2), { id: 'x' }], [...clusterEdges, ['m2', 'DEPENDS_ON', 'x']], ['m1', 'x']);
    expect(states(r)).toMatchObject({ c: 'DOWN', svc: 'DOWN', m2: 'DOWN' });
    expect(pathTo(r.affected, 'svc')).toEqual(['m1', 'c', 'svc']);
  });

  it('ignores BACKED_UP_BY, terminates on cycles, and respects maxDepth and maxAffected', () => {
    expect(states(run([{ id: 'a' }, { id: 'b' }], [['a', 'BACKED_UP_BY', 'b']], ['b']))).toEqual({ b: 'DOWN' });
    const cycle = run(
      [{ id: 'a' }, { id: 'b' }],
      [
        ['a', 'DEPENDS_ON', 'b'],
        ['b', 'DEPENDS_ON', 'a'],
      ],
      ['a'],
    );
    expect([...cycle.affected.values()].map((x) => [x.id, x.depth])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    const chain: Array<[string, string, string]> = [
      ['b', 'DEPENDS_ON', 'a'],
      ['c', 'DEPENDS_ON', 'b'],
      ['d', 'DEPENDS_ON', 'c'],
    ];
    const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
    expect(Object.keys(states(run(nodes, chain, ['a'], 'DOWN', 2)))).toEqual(['a', 'b', 'c']);
    const capped = run(nodes, chain, ['a'], 'DOWN', 10, 2);
    expect(capped.truncated).toBe(true);
    expect(capped.affected.size).toBe(2);
  });
});

describe('answer order (byDepthThenId)', () => {
  it('orders by depth, then id by code units, whatever order the records came in', () => {
    const records = [
      { id: 'b', depth: 2 },
      { id: 'Z', depth: 1 },
      { id: 'a', depth: 2 },
      { id: 'x', depth: 0 },
      // reached late (a worsened state) but shallower than the two before it
      { id: 'c', depth: 1 },
      { id: 'a', depth: 4 },
    ];
    expect(byDepthThenId(records).map((r) => `${r.depth}:${r.id}`)).toEqual(['0:x', '1:Z', '1:c', '2:a', '2:b', '4:a']);
    expect(byDepthThenId([])).toEqual([]);
  });

  it('sorts large buckets of UUIDs (the fast path) exactly as a code-unit comparator does, shared prefixes and odd ids too', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const hex = (k: number): string =>
      Array.from({ length: k }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
    const uuid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    const byComparator = <T extends { depth: number; id: string }>(rs: T[]): string[] =>
      [...rs]
        .sort((x, y) => x.depth - y.depth || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
        .map((r) => `${r.depth}:${r.id}`);
    const shared = hex(8);
    const uuids = Array.from({ length: 3000 }, (_, i) => ({
      id: i % 50 === 0 ? `${shared}-${hex(27)}` : uuid(),
      depth: 1 + (i % 3),
    }));
    expect(byDepthThenId(uuids).map((r) => `${r.depth}:${r.id}`)).toEqual(byComparator(uuids));
    // One id not starting with 8 lowercase hex digits sends its bucket to the comparator sort: same order.
    const mixed = [
      ...uuids,
      { id: 'A0000000-upper', depth: 1 },
      { id: 'Zed', depth: 2 },
      { id: 'ffffffff', depth: 3 },
      { id: '0000000', depth: 3 },
    ];
    expect(byDepthThenId(mixed).map((r) => `${r.depth}:${r.id}`)).toEqual(byComparator(mixed));
  });
});
