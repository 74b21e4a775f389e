/**
 * Relay connections for every module: opaque cursors, `first`/`after` checking, and the connection record that the
 * generic `edges`/`pageInfo`/`totalCount` resolvers read. A cursor is the base64url of a JSON array: the row's sort
 * key followed by its id. Repositories page by keyset on that key (never SKIP), so rows added or removed between
 * pages neither repeat nor hide the rows already there.
 */
import { BadUserInputError } from '../errors';

/** One component of a sort key: strings (ids, names, datetimes as Cypher's toString) and numbers. */
export type KeyPart = string | number;

/** A decoded page request: how many rows, and the sort key of the last row already seen. */
export interface PageRequest<K extends readonly KeyPart[] = readonly KeyPart[]> {
  limit: number;
  after?: K;
}

/** What a connection field resolves to; `ConnectionFields` answers edges, pageInfo and totalCount from it. */
export interface ConnectionRecord<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  /** True when the page started after a cursor (Relay leaves it loose for forward paging). */
  hasPreviousPage: boolean;
  /** Counts every row matching the filter: one more statement, run only when totalCount is asked for. */
  count: () => Promise<number>;
}

export interface PageLimits {
  /** Rows when `first` is not given. */
  defaultFirst: number;
  /** The largest `first` accepted. */
  maxFirst: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { defaultFirst: 50, maxFirst: 500 };

export function encodeCursor(key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key inside a cursor, checked against the shape the field sorts by (`'string'` or `'number'` per part);
 * anything else is BAD_USER_INPUT on `field`.
 */
export function decodeCursor<K extends readonly KeyPart[]>(
  cursor: string,
  shape: readonly ('string' | 'number')[],
  field = 'after',
): K {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((part, i) => typeof part === shape[i] && (typeof part !== 'number' || Number.isFinite(part)))
  )
    // Checked part by part against `shape` just above.
    return key as unknown as K;
  throw new BadUserInputError('not a cursor returned by this field', field);
}

/** Checks `first` and decodes `after`; BAD_USER_INPUT names `first` or `after` when either is unusable. */
export function pageRequest<K extends readonly KeyPart[]>(
  args: { first?: number | null; after?: string | null },
  shape: readonly ('string' | 'number')[],
  limits: PageLimits = DEFAULT_PAGE_LIMITS,
): PageRequest<K> {
  const limit = args.first ?? limits.defaultFirst;
  if (!Number.isInteger(limit) || limit < 0 || limit > limits.maxFirst)
    throw new BadUserInputError(`must be between 0 and ${limits.maxFirst}`, 'first');
  return args.after == null ? { limit } : { limit, after: decodeCursor<K>(args.after, shape) };
}

/** A row of a keyset page: the record and its sort key (the key's last part is the record's id). */
export interface Keyed<T> {
  node: T;
  key: readonly KeyPart[];
}

/**
 * The connection over rows a repository read with `LIMIT limit + 1` in key order: the extra row only tells that a
 * next page exists.
 */
export function connectionOf<T>(
  rows: readonly Keyed<T>[],
  page: PageRequest,
  count: () => Promise<number>,
): ConnectionRecord<T> {
  const shown = rows.slice(0, page.limit);
  return {
    nodes: shown.map((r) => r.node),
    cursors: shown.map((r) => encodeCursor(r.key)),
    hasNextPage: rows.length > page.limit,
    hasPreviousPage: page.after !== undefined,
    count,
  };
}

export interface PageInfoRecord {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** Resolvers of a `XConnection { edges { cursor node } pageInfo totalCount }` type. */
export const connectionFields = {
  edges: <T>(c: ConnectionRecord<T>): Array<{ cursor: string; node: T }> =>
    c.nodes.map((node, i) => ({ node, cursor: c.cursors[i] ?? '' })),
  pageInfo: <T>(c: ConnectionRecord<T>): PageInfoRecord => ({
    hasNextPage: c.hasNextPage,
    hasPreviousPage: c.hasPreviousPage,
    startCursor: c.cursors[0] ?? null,
    endCursor: c.cursors[c.cursors.length - 1] ?? null,
  }),
  totalCount: <T>(c: ConnectionRecord<T>): Promise<number> => c.count(),
};
