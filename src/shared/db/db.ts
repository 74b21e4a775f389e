/**
 * The only place that talks to neo4j-driver: sessions, managed transactions, transaction metadata, value mapping
 * and the mapping of Neo4j errors. Repositories receive a `Tx` and return plain objects.
 */
import net from 'node:net';
import neo4j, { type Driver, type ManagedTransaction, type QueryResult } from 'neo4j-driver';
import { ConflictError, QueryTimeoutError } from '../errors';

export type Params = Record<string, unknown>;
export type Row = Record<string, unknown>;

/** What a statement changed (from Neo4j's query statistics). */
export interface WriteCounters {
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
}

/** What a repository needs: run one parameterized statement, get plain rows (and, for writes, counters). */
export interface Tx {
  run(cypher: string, params?: Params): Promise<Row[]>;
  write(cypher: string, params?: Params): Promise<WriteCounters>;
}

export interface TxMeta {
  /** The GraphQL operation or tool that opened the transaction; lands in Neo4j's query log. */
  operation?: string;
  actor?: string;
  /** A bulk load (an import batch): gets the bulk timeout instead of the statement timeout. */
  bulk?: boolean;
}

/** How long a transaction may run before Neo4j ends it (ms); unset, the server's db.transaction.timeout holds. */
export interface TxTimeouts {
  defaultMs?: number;
  bulkMs?: number;
}

export interface ConnectOptions {
  uri: string;
  user?: string;
  password?: string;
  database?: string;
}

let nagleDisabled = false;

/**
 * neo4j-driver never calls setNoDelay, and Node 20 sockets use Nagle's algorithm: when the driver writes a request in
 * several chunks (BEGIN, RUN with a list parameter, PULL), the later chunk waits for the server's delayed ACK — a
 * steady ~45 ms on many statements (measured here: UNWIND of 40 ids, 50 ms without TCP_NODELAY, 4 ms with it). Bolt is
 * request/response, so the sockets the driver opens (it connects through `net.connect`) get TCP_NODELAY.
 */
function disableNagleForDriverSockets(): void {
  if (nagleDisabled) return;
  nagleDisabled = true;
  const connect = net.connect;
  (net as { connect: typeof net.connect }).connect = ((...args: Parameters<typeof net.connect>) =>
    (connect as (...a: Parameters<typeof net.connect>) => net.Socket)(...args).setNoDelay(true)) as typeof net.connect;
}

export function createDriver(options: ConnectOptions): Driver {
  disableNagleForDriverSockets();
  return neo4j.driver(options.uri, neo4j.auth.basic(options.user ?? 'neo4j', options.password ?? ''), {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 50,
    logging: { level: 'error', logger: () => undefined },
  });
}

/** An integer parameter as Neo4j expects it where floats are refused (LIMIT, SKIP, range bounds). */
export function int(value: number): unknown {
  return neo4j.int(Math.trunc(value));
}

interface DriverDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  timeZoneOffsetSeconds?: number;
  toStandardDate(): Date;
}

/**
 * A driver DateTime as an ISO-8601 UTC string with milliseconds (what `toStandardDate().toISOString()` gives), from
 * its fields: the driver's own conversion costs ~20 µs a value, which made datetimes the largest cost of reading a
 * page of relationships (every CI and relationship carries createdAt / updatedAt). Named zones take the slow path.
 */
function dateTimeToISO(d: DriverDateTime): string {
  if (typeof d.timeZoneOffsetSeconds !== 'number') return d.toStandardDate().toISOString();
  const utc =
    Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, Math.floor(d.nanosecond / 1e6)) -
    d.timeZoneOffsetSeconds * 1000;
  const date = new Date(utc);
  // Date.UTC maps years 0–99 to 1900–1999; such dates are not ours to store, but stay exact.
  if (d.year >= 0 && d.year < 100) date.setUTCFullYear(d.year);
  return date.toISOString();
}

/**
 * Converts driver values (temporal types, nodes) into JSON-friendly ones; integers are numbers already. Maps and
 * lists the driver decodes are plain objects and arrays: they take a fast path (no type probes per value), which
 * matters for closures of tens of thousands of maps.
 */
export function toNative(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] = v !== null && typeof v === 'object' ? toNative(v) : (v ?? null);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const out: Row = {};
    for (const k in value) {
      const v = (value as Row)[k];
      out[k] = v !== null && typeof v === 'object' ? toNative(v) : (v ?? null);
    }
    return out;
  }
  // The driver's type guards are declared over its own value types, not unknown; each guard checks before use.
  if (neo4j.isDateTime(value as never)) return dateTimeToISO(value as unknown as DriverDateTime);
  if (neo4j.isDate(value as never) || neo4j.isLocalDateTime(value as never) || neo4j.isDuration(value as never)) {
    return String(value);
  }
  if (neo4j.isNode(value as never) || neo4j.isRelationship(value as never)) {
    return toNative((value as unknown as { properties: Row }).properties);
  }
  const out: Row = {};
  for (const [k, v] of Object.entries(value as Row)) out[k] = toNative(v);
  return out;
}

function rowsOf(result: QueryResult): Row[] {
  return result.records.map((record) => {
    const row: Row = {};
    for (const key of record.keys) row[String(key)] = toNative(record.get(key));
    return row;
  });
}

export function isConstraintViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === 'Neo.ClientError.Schema.ConstraintValidationFailed';
}

const TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
]);

/** Neo4j errors a client may see, as typed errors; the rest propagate (and are masked by the formatter). */
function mapError(error: unknown, timeoutMs: number | undefined): unknown {
  if (TIMEOUT_CODES.has((error as { code?: string })?.code ?? '')) return new QueryTimeoutError(timeoutMs);
  if (isConstraintViolation(error)) {
    const message = String((error as Error).message);
    const key = /property `key` = '([^']*)'/.exec(message)?.[1];
    return new ConflictError(
      key ? `identifier ${key.replace('/', ' ')} already belongs to another record` : 'a uniqueness rule was violated',
      key ? { identifier: key } : {},
    );
  }
  return error;
}

/** Counts statements sent to Neo4j, so tests can hold operations to a round-trip budget. */
export interface QueryCounter {
  count: number;
}

/** SERVICEGRAPH_SLOW_QUERY_MS=N logs every statement slower than N ms (with its first line) to stderr. */
const SLOW_MS = Number(process.env.SERVICEGRAPH_SLOW_QUERY_MS ?? 'NaN');

export class Db {
  readonly counter: QueryCounter = { count: 0 };

  constructor(
    readonly driver: Driver,
    readonly database = 'neo4j',
    readonly timeouts: TxTimeouts = {},
  ) {}

  private async execute(tx: ManagedTransaction, cypher: string, params: Params): Promise<QueryResult> {
    this.counter.count += 1;
    if (Number.isNaN(SLOW_MS)) return tx.run(cypher, params);
    const started = Date.now();
    const result = await tx.run(cypher, params);
    const ms = Date.now() - started;
    if (ms >= SLOW_MS) process.stderr.write(`slow query ${ms} ms: ${cypher.trim().split('\n')[0]?.slice(0, 100)}\n`);
    return result;
  }

  private wrap(tx: ManagedTransaction): Tx {
    return {
      run: async (cypher, params = {}) => rowsOf(await this.execute(tx, cypher, params)),
      write: async (cypher, params = {}) => {
        const updates = (await this.execute(tx, cypher, params)).summary.counters.updates();
        return {
          nodesCreated: updates.nodesCreated,
          nodesDeleted: updates.nodesDeleted,
          relationshipsCreated: updates.relationshipsCreated,
          relationshipsDeleted: updates.relationshipsDeleted,
          propertiesSet: updates.propertiesSet,
        };
      },
    };
  }

  private timeoutOf(meta: TxMeta): number | undefined {
    return meta.bulk ? (this.timeouts.bulkMs ?? this.timeouts.defaultMs) : this.timeouts.defaultMs;
  }

  private config(meta: TxMeta): { metadata: Record<string, string>; timeout?: number } {
    const metadata: Record<string, string> = {};
    if (meta.operation) metadata.operation = meta.operation;
    if (meta.actor) metadata.actor = meta.actor;
    const timeout = this.timeoutOf(meta);
    return timeout === undefined ? { metadata } : { metadata, timeout };
  }

  /** One read statement in its own auto-committed read transaction. */
  async read(cypher: string, params: Params = {}, meta: TxMeta = {}): Promise<Row[]> {
    return this.readTx((tx) => tx.run(cypher, params), meta);
  }

  async readTx<T>(work: (tx: Tx) => Promise<T>, meta: TxMeta = {}): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.READ });
    try {
      return await session.executeRead((tx) => work(this.wrap(tx)), this.config(meta));
    } catch (error) {
      throw mapError(error, this.timeoutOf(meta));
    } finally {
      await session.close();
    }
  }

  /**
   * A managed write transaction. The driver re-runs `work` on transient failures, so `work` must have no effect
   * outside the transaction. Application code reaches this only through the write path (shared/write).
   */
  async writeTx<T>(work: (tx: Tx) => Promise<T>, meta: TxMeta = {}): Promise<T> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: neo4j.session.WRITE });
    try {
      return await session.executeWrite((tx) => work(this.wrap(tx)), this.config(meta));
    } catch (error) {
      throw mapError(error, this.timeoutOf(meta));
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
