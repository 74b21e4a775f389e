/**
 * Paging through a list that grows while it is read: 1,000 incidents read 100 at a time with `after` cursors while
 * new incidents are logged between pages. Keyset paging on (openedAt, id) shows each original exactly once.
 */
import type { Actor } from '../../src/shared/write';
import { codeOf, createHarness, type Harness } from '../helpers/harness';

let h: Harness;
const AGENT: Actor = { id: 'agent@desk', roles: ['agent'] };
const ORIGINALS = 1000;
const BATCH = 50;

async function logIncidents(count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - start) }, (_, i) =>
        h.services.tickets.incidents.logIncident(AGENT, {
          shortDescription: `${label} ${start + i}`,
          impact: 'LOW',
          urgency: 'NORMAL',
        }),
      ),
    );
    ids.push(...batch.map((t) => t.id));
  }
  return ids;
}

beforeAll(async () => {
  h = await createHarness();
  await h.reset();
});
afterAll(async () => {
  await h.close();
});

const PAGE = `query ($after: String) { incidentsConnection(first: 100, after: $after) {
  edges { cursor node { id number } } pageInfo { hasNextPage endCursor } } }`;

describe('incidentsConnection', () => {
  it('pages through 1,000 incidents while new ones arrive, and shows each original exactly once', async () => {
    const originals = await logIncidents(ORIGINALS, 'original');
    expect(new Set(originals).size).toBe(ORIGINALS);

    const seen = new Map<string, number>();
    const arrived: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: any = await h.ok(PAGE, { after });
      const page = data.incidentsConnection;
      for (const edge of page.edges) seen.set(edge.node.id, (seen.get(edge.node.id) ?? 0) + 1);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(100);
      after = page.pageInfo.endCursor;
      arrived.push(...(await logIncidents(7, `arrived during page ${pages}`)));
      expect(pages).toBeLessThan(50);
    }

    const missing = originals.filter((id) => !seen.has(id));
    const repeated = [...seen].filter(([, n]) => n > 1);
    expect(missing).toEqual([]);
    expect(repeated).toEqual([]);
    expect(pages).toBeGreaterThanOrEqual(ORIGINALS / 100);
    // Incidents opened while paging sort after every one opened before, so the reader reaches them too.
    expect(arrived.filter((id) => !seen.has(id))).toEqual([]);
  });

  it('keeps the order when the status of a seen incident changes between pages', async () => {
    const first: any = (
      await h.ok(`{ incidentsConnection(first: 3) { edges { node { id } } pageInfo { endCursor } } }`)
    ).incidentsConnection;
    await h.services.tickets.workflow.transition(
      AGENT,
      { id: first.edges[0].node.id, to: 'COMPLETED', completionCode: 'FIXED', resolution: 'restarted' },
      'Incident',
    );
    const again: any = (await h.ok(`{ incidentsConnection(first: 3) { edges { node { id } } } }`)).incidentsConnection;
    expect(again.edges.map((e: any) => e.node.id)).toEqual(first.edges.map((e: any) => e.node.id));
  });

  it('filters by status and counts the matches', async () => {
    const data = await h.ok(
      `{ incidentsConnection(first: 5, filter: {status: [COMPLETED]}) { edges { node { status } } totalCount } }`,
    );
    expect(data.incidentsConnection.edges).toEqual([{ node: { status: 'COMPLETED' } }]);
    expect(data.incidentsConnection.totalCount).toBe(1);
  });

  it('answers a cursor it did not issue with BAD_USER_INPUT naming `after`', async () => {
    for (const after of ['garbage', Buffer.from('["only-one-part"]').toString('base64url'), '']) {
      const result = await h.gql(PAGE, { after });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe('after');
    }
  });
});
