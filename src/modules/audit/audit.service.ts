/**
 * The audit log's reads (pages, inclusion and consistency proofs, tree heads), signed tree heads on demand and on a
 * timer, the whole-log read `npm run audit:verify` checks, and sealing entries written before the log existed.
 * Reading needs `audit.read` (auditor, admin); signing on demand needs `audit.sign` (admin).
 */
import type { Db, Tx } from '../../shared/db';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../../shared/errors';
import { authorize, lockAuditLog, sealUnsequencedAuditEntries, write, type Actor } from '../../shared/write';
import * as repo from './audit.repository';
import type { AuditFilter } from './audit.repository';
import { consistencyProof, inclusionProof, rootOfFrontier, treeHash } from './merkle';
import {
  appendTreeHeadFile,
  loadSigningKey,
  readTreeHeadFile,
  signTreeHead,
  type SignedTreeHead,
  type SigningKey,
} from './tree-head';
import { verifyAuditLog, type StoredAuditEntry, type VerifyReport } from './verify';

export interface AuditConfig {
  /** The Ed25519 key (PKCS#8 PEM) tree heads are signed with; created on first use. */
  signingKeyFile: string;
  /** The JSON-lines file every signed tree head is appended to, outside the database. */
  treeHeadFile: string;
}

export interface AuditEntryView {
  sequence: number;
  id: string;
  at: string;
  actor: string;
  operation: string;
  changeId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  leafHash: string;
}

export interface AuditConnection {
  edges: Array<{ cursor: string; node: AuditEntryView }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

export interface InclusionProofView {
  sequence: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  rootHash: string;
  /** The signed head of treeSize, when one was signed at that size. */
  treeHead: SignedTreeHead | null;
}

export interface ConsistencyProofView {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  proof: string[];
  fromHead: SignedTreeHead | null;
  toHead: SignedTreeHead | null;
}

const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;
const READ_BATCH = 5000;
/** The operation name signed heads are written under (transaction metadata). */
const SIGN_OPERATION = 'signAuditTreeHead';

function json(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function viewOf(e: StoredAuditEntry): AuditEntryView {
  return { ...e, leafHash: e.leafHash ?? '', before: json(e.before), after: json(e.after) };
}

const cursorOf = (sequence: number): string => Buffer.from(`audit:${sequence}`).toString('base64url');

function sequenceOfCursor(cursor: string): number {
  const m = /^audit:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadUserInputError('not a cursor of auditLog', 'after');
  return Number(m[1]);
}

export class AuditService {
  private key: SigningKey | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: AuditConfig,
  ) {}

  private canRead(actor: Actor | null, operation: string): void {
    if (!actor) throw new UnauthenticatedError(`${operation} needs an actor with role auditor or admin`);
    authorize(actor, 'audit.read', operation);
  }

  private signingKey(): SigningKey {
    this.key ??= loadSigningKey(this.config.signingKeyFile, { create: true });
    return this.key;
  }

  async auditLog(
    actor: Actor | null,
    filter: AuditFilter = {},
    first?: number | null,
    after?: string | null,
  ): Promise<AuditConnection> {
    this.canRead(actor, 'auditLog');
    const limit = first ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE)
      throw new BadUserInputError(`must be between 0 and ${MAX_PAGE}`, 'first');
    for (const bound of ['from', 'to'] as const) {
      const value = filter[bound];
      if (value && Number.isNaN(Date.parse(value))) throw new BadUserInputError('not an ISO-8601 date-time', bound);
    }
    const afterSequence = after ? sequenceOfCursor(after) : null;
    const rows = await this.db.readTx((tx) => repo.pageEntries(tx, filter, limit + 1, afterSequence));
    const page = rows.slice(0, limit);
    const edges = page.map((e) => ({ cursor: cursorOf(e.sequence), node: viewOf(e) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > limit,
        hasPreviousPage: afterSequence !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: () => this.db.readTx((tx) => repo.countEntries(tx, filter)),
    };
  }

  /** The latest signed tree head in the database, or null before the first. */
  async treeHead(actor: Actor | null): Promise<SignedTreeHead | null> {
    this.canRead(actor, 'auditTreeHead');
    return this.db.readTx((tx) => repo.latestTreeHead(tx));
  }

  /** The leaf hashes of the first `size` entries, refusing a log with a gap (which no proof can be made over). */
  private async leaves(tx: Tx, size: number): Promise<Buffer[]> {
    const rows = await repo.leafHashes(tx, size);
    rows.forEach((r, i) => {
      if (r.sequence !== i || !r.leafHash) throw new Error(`the audit log has no leaf ${i}: run npm run audit:verify`);
    });
    if (rows.length !== size) throw new Error(`the audit log has ${rows.length} of ${size} leaves`);
    return rows.map((r) => Buffer.from(r.leafHash, 'hex'));
  }

  /**
   * The inclusion proof of entry `sequence` in the tree of `treeSize` entries: by default the smallest signed head
   * covering it, else the whole log as it is now.
   */
  async proof(actor: Actor | null, sequence: number, treeSize?: number | null): Promise<InclusionProofView> {
    this.canRead(actor, 'auditProof');
    return this.db.readTx(async (tx) => {
      const entry = await repo.entryAt(tx, sequence);
      if (!entry) throw new NotFoundError('audit entry', String(sequence));
      const state = await repo.logState(tx);
      const head = treeSize == null ? await repo.treeHeadCovering(tx, sequence) : null;
      const size = treeSize ?? head?.treeSize ?? state.size;
      if (!Number.isInteger(size) || size <= sequence || size > state.size)
        throw new BadUserInputError(`must be above ${sequence} and at most the log's size ${state.size}`, 'treeSize');
      const leaves = await this.leaves(tx, size);
      return {
        sequence,
        treeSize: size,
        leafHash: (leaves[sequence] as Buffer).toString('hex'),
        auditPath: inclusionProof(leaves, sequence, size).map((h) => h.toString('hex')),
        rootHash: treeHash(leaves).toString('hex'),
        treeHead: head ?? (await repo.treeHeadOfSize(tx, size)),
      };
    });
  }

  /** The consistency proof that the tree of `fromSize` entries is a prefix of the tree of `toSize` (default: now). */
  async consistency(actor: Actor | null, fromSize: number, toSize?: number | null): Promise<ConsistencyProofView> {
    this.canRead(actor, 'auditConsistency');
    return this.db.readTx(async (tx) => {
      const state = await repo.logState(tx);
      const to = toSize ?? state.size;
      if (!Number.isInteger(to) || to < 0 || to > state.size)
        throw new BadUserInputError(`must be at most the log's size ${state.size}`, 'toSize');
      if (!Number.isInteger(fromSize) || fromSize < 0 || fromSize > to)
        throw new BadUserInputError(`must be between 0 and toSize ${to}`, 'fromSize');
      const leaves = await this.leaves(tx, to);
      return {
        fromSize,
        toSize: to,
        fromRoot: treeHash(leaves, 0, fromSize).toString('hex'),
        toRoot: treeHash(leaves).toString('hex'),
        proof: consistencyProof(leaves, fromSize, to).map((h) => h.toString('hex')),
        fromHead: await repo.treeHeadOfSize(tx, fromSize),
        toHead: await repo.treeHeadOfSize(tx, to),
      };
    });
  }

  /** Signs a head of the log as it is now (admin), or returns the head already signed at this size. */
  async signTreeHead(actor: Actor | null): Promise<SignedTreeHead> {
    return this.sign(actor);
  }

  /**
   * Signs the current size unless a head of that size exists (so several processes' timers sign each size once):
   * the log's lock orders this after every append it covers. The head is stored in the database and, after commit,
   * appended to the tree head file.
   */
  private async sign(actor: Actor | null): Promise<SignedTreeHead> {
    const key = this.signingKey();
    return write(this.db, actor, { name: SIGN_OPERATION, permission: 'audit.sign' }, async (tx) => {
      const state = await lockAuditLog(tx);
      const existing = await repo.treeHeadOfSize(tx, state.size);
      if (existing) return existing;
      const head = signTreeHead(
        {
          treeSize: state.size,
          rootHash: rootOfFrontier(state.frontier).toString('hex'),
          timestamp: new Date(Date.parse(state.at)).toISOString(),
        },
        key,
      );
      await repo.createTreeHead(tx, head);
      tx.afterCommit(() => appendTreeHeadFile(this.config.treeHeadFile, head));
      return head;
    });
  }

  /** The service's own signing (the timer), under a system actor: the service, not a person. */
  async signScheduled(): Promise<SignedTreeHead> {
    return this.sign({ id: 'servicegraph:audit-timer', roles: ['admin'] });
  }

  /**
   * Signs a head now and every `minutes` (unref'd, so it never keeps the process alive). A failure is logged and
   * the next tick tries again.
   */
  startTreeHeadTimer(minutes: number, log: (line: string) => void = console.error): void {
    if (this.timer || minutes <= 0) return;
    const tick = (): void => {
      this.signScheduled().catch((error: unknown) =>
        log(`audit tree head not signed: ${error instanceof Error ? error.message : String(error)}`),
      );
    };
    tick();
    this.timer = setInterval(tick, minutes * 60_000);
    this.timer.unref();
  }

  stopTreeHeadTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Entries written before the log existed get sequences and leaf hashes (at start; a no-op afterwards). */
  async sealUnsequenced(): Promise<number> {
    return sealUnsequencedAuditEntries(this.db);
  }

  /** Every entry in sequence order (what verification reads), in pages by sequence: a gap does not end the read. */
  async readLog(): Promise<StoredAuditEntry[]> {
    const all: StoredAuditEntry[] = [];
    for (let from = 0; ;) {
      const batch = await this.db.readTx((tx) => repo.entriesFrom(tx, from, READ_BATCH));
      all.push(...batch);
      if (batch.length < READ_BATCH) return all;
      from = (batch[batch.length - 1] as StoredAuditEntry).sequence + 1;
    }
  }

  /** The signed heads from the file outside the database (what verification trusts). */
  treeHeadsFromFile(): { heads: SignedTreeHead[]; badLines: number[] } {
    return readTreeHeadFile(this.config.treeHeadFile);
  }

  /** The whole log against the signed heads in the tree head file, with the signing key's public half. */
  async verify(): Promise<VerifyReport> {
    const key = loadSigningKey(this.config.signingKeyFile, { create: false });
    const { heads, badLines } = this.treeHeadsFromFile();
    const report = verifyAuditLog(await this.readLog(), heads, key.publicKey);
    if (badLines.length) {
      report.ok = false;
      report.problems.unshift(`tree head file lines ${badLines.join(', ')} are not tree heads`);
    }
    return report;
  }
}
