import {
  connectionFields,
  connectionOf,
  decodeCursor,
  encodeCursor,
  pageRequest,
} from '../../src/shared/graphql/connection';
import { BadUserInputError } from '../../src/shared/errors';

function fieldOf(thunk: () => unknown): unknown {
  try {
    thunk();
  } catch (e) {
    if (e instanceof BadUserInputError) return e.details.field;
    throw e;
  }
  return undefined;
}

describe('Relay connections', () => {
  it('round-trips a sort key through an opaque cursor', () => {
    const cursor = encodeCursor(['2026-12-04T20:02:13.123456Z', 'b1c2']);
    expect(cursor).not.toContain('2026');
    expect(decodeCursor(cursor, ['string', 'string'])).toEqual(['2026-12-04T20:02:13.123456Z', 'b1c2']);
  });

  it('refuses cursors of another shape, or not cursors at all, naming `after`', () => {
    expect(fieldOf(() => pageRequest({ after: 'not-a-cursor' }, ['string', 'string']))).toBe('after');
    expect(fieldOf(() => pageRequest({ after: encodeCursor(['x']) }, ['string', 'string']))).toBe('after');
    expect(fieldOf(() => pageRequest({ after: encodeCursor([1, 'id']) }, ['string', 'string']))).toBe('after');
    expect(fieldOf(() => pageRequest({ after: Buffer.from('{"a":1}').toString('base64url') }, ['string']))).toBe(
      'after',
    );
  });

  it('takes 50 rows by default and refuses `first` outside 0..500, naming `first`', () => {
    expect(pageRequest({}, ['string'])).toEqual({ limit: 50 });
    expect(pageRequest({ first: 500 }, ['string'])).toEqual({ limit: 500 });
    expect(fieldOf(() => pageRequest({ first: 501 }, ['string']))).toBe('first');
    expect(fieldOf(() => pageRequest({ first: -1 }, ['string']))).toBe('first');
    expect(pageRequest({ first: 1000 }, ['string'], { defaultFirst: 50, maxFirst: 1000 })).toEqual({ limit: 1000 });
  });

  it('tells a next page from the extra row and gives each node the cursor of its key', async () => {
    const rows = [
      { id: 'a', at: 't1' },
      { id: 'b', at: 't2' },
      { id: 'c', at: 't3' },
    ].map((node) => ({ node, key: [node.at, node.id] }));
    const page = pageRequest({ first: 2, after: encodeCursor(['t0', 'z']) }, ['string', 'string']);
    const c = connectionOf(rows, page, async () => 7);
    expect(connectionFields.edges(c).map((e) => e.node.id)).toEqual(['a', 'b']);
    expect(decodeCursor(connectionFields.edges(c)[1]!.cursor, ['string', 'string'])).toEqual(['t2', 'b']);
    expect(connectionFields.pageInfo(c)).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: encodeCursor(['t1', 'a']),
      endCursor: encodeCursor(['t2', 'b']),
    });
    expect(await connectionFields.totalCount(c)).toBe(7);
    const last = connectionOf(rows.slice(2), pageRequest({ first: 2 }, ['string', 'string']), async () => 0);
    expect(connectionFields.pageInfo(last)).toEqual(
      expect.objectContaining({ hasNextPage: false, hasPreviousPage: false }),
    );
  });
});
