/**
 * The import (importCMDB, npm run import): validation (import.validation.ts), reconciliation (import.reconcile.ts,
 * pure) and this runner, which looks records up, writes what reconciliation decides, and reports progress.
 *
 * Items are written in batches, each one transaction through the write path; `atomic` puts everything in one
 * transaction and writes nothing when anything is rejected. Two imports of the same items at the same time cannot
 * create duplicates: identifier nodes are unique, the loser's batch fails on the constraint and is retried, and
 * the retry finds the winner's records and updates them.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/db';
import { ConflictError } from '../../shared/errors';
import { authorizeWrite, write, type Actor, type WriteOperation, type WriteTx } from '../../shared/write';
import { createEntities, findEntities, updateEntities } from './ci.repository';
import type { RecordRef } from './cmdb.rows';
import { findIdentifierOwners, findRefsById, findRefsByIdentifier } from './identifier.repository';
import { existingRelationships, mergeRelationships } from './relationship.repository';
import { singleTypes, type RegistryStore } from './cmdb.service';
import {
  identifyItems,
  planItems,
  relationLookups,
  relationsToCheck,
  relationWrites,
  resolveRelations,
  type ReconcileContext,
  type RunState,
} from './import.reconcile';
import {
  importSchema,
  itemPreparer,
  relationPreparer,
  type ImportInput,
  type ImportRejection,
  type PreparedItem,
  type PreparedRelation,
  type Preparer,
} from './import.validation';
import { parseInput } from './parse';
import type { Registry } from './registry';

export type { ImportData, ImportItemData, ImportRef, ImportRejection, ImportRelationData } from './import.validation';

export interface ImportResult {
  source: string;
  atomic: boolean;
  applied: boolean;
  created: number;
  updated: number;
  unchanged: number;
  relationsCreated: number;
  relationsUnchanged: number;
  rejected: ImportRejection[];
}

export interface ImportProgress {
  phase: 'items' | 'relations';
  done: number;
  total: number;
}

export interface ImportOptions {
  batchSize?: number;
  /** Relations validated per turn of the event loop while items are written (default 2,000). */
  prepareSlice?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/** One transaction's outcome; merged into the run only once that transaction committed. */
interface Scratch extends ImportResult, RunState {}

/** Thrown inside an atomic import's transaction to roll it back, carrying what was rejected. */
class Rollback extends Error {
  constructor(readonly scratch: Scratch) {
    super('atomic import rolled back');
  }
}

const MAX_CONFLICT_RETRIES = 5;
const BATCH_SIZE = 5000;
/** Item batches written at once (see ImportRun.writeLanes). */
const ITEM_LANES = 2;
/** Relations validated between two turns of the event loop while items are written (~10 ms of Node's time). */
const PREPARE_SLICE = 2000;

type Phase = ImportProgress['phase'];

export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly registries: RegistryStore,
    private readonly sourcePrecedence: readonly string[],
  ) {}

  async importCMDB(actor: Actor | null, raw: unknown, options: ImportOptions = {}): Promise<ImportResult> {
    const operation: WriteOperation = { name: 'importCMDB', permission: 'cmdb.import', bulk: true };
    authorizeWrite(actor, operation);
    const input = parseInput(importSchema, raw);
    const registry = await this.registries.refresh();
    const run = new ImportRun(this.db, actor, operation, registry, this.sourcePrecedence, input, options);
    return input.atomic ? run.atomic() : run.batched();
  }
}

/** One import: its input, its result so far, and what it has written. */
class ImportRun {
  private readonly result: ImportResult;
  private readonly ctx: ReconcileContext;
  private readonly items: Preparer<PreparedItem>;
  private readonly relations: Preparer<PreparedRelation>;
  private readonly batchSize: number;
  /** What the committed transactions wrote. */
  private readonly state: RunState = { known: new Map(), fresh: new Set() };
  /** Identifier key → the item that claimed it (see planItems). */
  private readonly claims = new Map<string, number>();
  /** Set when a batch failed: the lanes and the relation preparation stop. */
  private failed = false;

  constructor(
    private readonly db: Db,
    private readonly actor: Actor | null,
    private readonly operation: WriteOperation,
    private readonly registry: Registry,
    precedence: readonly string[],
    private readonly input: ImportInput,
    private readonly options: ImportOptions,
  ) {
    this.result = {
      source: input.source,
      atomic: input.atomic,
      applied: true,
      created: 0,
      updated: 0,
      unchanged: 0,
      relationsCreated: 0,
      relationsUnchanged: 0,
      rejected: [],
    };
    this.ctx = { registry, source: input.source, precedence };
    const reject = (rejection: ImportRejection): void => void this.result.rejected.push(rejection);
    this.items = itemPreparer(registry, input.items, reject);
    this.relations = relationPreparer(registry, input.relations, reject);
    this.batchSize = options.batchSize ?? BATCH_SIZE;
  }

  /** Everything validated before anything is written, then one transaction: a rejection leaves the graph untouched. */
  async atomic(): Promise<ImportResult> {
    const { result, options } = this;
    const items = this.items.slice(0, this.input.items.length);
    const relations = this.relations.slice(0, this.input.relations.length);
    if (result.rejected.length) return { ...result, applied: false };
    try {
      const scratch = await write(this.db, this.actor, this.operation, async (tx) => {
        // Everything in one attempt of one transaction: the relations resolve against this attempt's items (the
        // scratch is the attempt's run state), so a retried attempt never sees records of a rolled-back one.
        const s = emptyScratch(result);
        await this.writeItems(tx, items, s, new Map());
        await this.writeRelations(tx, relations, s, s);
        if (s.rejected.length) throw new Rollback(s);
        this.audit(tx, s, 'atomic', items.length + relations.length);
        return s;
      });
      options.onProgress?.({ phase: 'items', done: items.length, total: items.length });
      options.onProgress?.({ phase: 'relations', done: relations.length, total: relations.length });
      return toResult(this.merge(scratch));
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      result.rejected.push(...error.scratch.rejected);
      result.rejected.sort(byIndex);
      return { ...result, applied: false };
    }
  }

  /**
   * Batches, each its own transaction. Validation is Node's work while writing is Neo4j's: each item batch is
   * prepared as a lane takes it, and the relations are prepared in slices between the item batches' round trips
   * (they only need the registry), so the two overlap instead of all validation running before the first write.
   * Rejections are the same either way: every check that compares items (or relations) with each other compares
   * with earlier ones, in input order.
   */
  async batched(): Promise<ImportResult> {
    const { input, batchSize } = this;
    const relationsPrepared = this.prepareRelations();
    relationsPrepared.catch(() => undefined); // awaited below; not left unhandled when the item phase fails first
    try {
      await this.writeLanes('items', ITEM_LANES, input.items.length, (k) =>
        this.items.slice(k * batchSize, (k + 1) * batchSize),
      );
    } catch (error) {
      this.failed = true;
      throw error;
    }
    const relations = await relationsPrepared;
    await this.writeLanes('relations', 1, relations.length, (k) => relations.slice(k * batchSize, (k + 1) * batchSize));
    this.result.rejected.sort(byIndex);
    return this.result;
  }

  /** The valid relations, validated a slice per turn of the event loop until done or a batch failed. */
  private async prepareRelations(): Promise<PreparedRelation[]> {
    const prepared: PreparedRelation[] = [];
    const step = Math.max(1, this.options.prepareSlice ?? PREPARE_SLICE);
    for (let start = 0; start < this.input.relations.length && !this.failed; start += step) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const relation of this.relations.slice(start, start + step)) prepared.push(relation);
    }
    return prepared;
  }

  /**
   * Writes `total` entries in batches by `lanes` lanes. Item batches never share a record (validation refuses two
   * items with a common identifier), so two run at once — one is prepared and sent while Neo4j writes and commits
   * the other. Relation batches lock the records they join and would wait on each other: one at a time.
   */
  private async writeLanes(
    phase: Phase,
    lanes: number,
    total: number,
    take: (k: number) => Array<PreparedItem | PreparedRelation>,
  ): Promise<void> {
    const count = Math.ceil(total / this.batchSize);
    let next = 0;
    let done = 0;
    const lane = async (): Promise<void> => {
      while (!this.failed && next < count) {
        // Taken and prepared with no await in between: batches are prepared in input order, whichever lane runs.
        const k = next++;
        const batch = take(k);
        // Entries a batch covered, rejected ones included (the count progress reports against `total`).
        const size = Math.min(this.batchSize, total - k * this.batchSize);
        try {
          if (batch.length) await this.writeBatch(phase, batch);
        } catch (error) {
          this.failed = true;
          throw error;
        }
        done += size;
        this.options.onProgress?.({ phase, done, total });
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: lanes }, lane));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  }

  /** One batch in one transaction, retried when a concurrent import created one of its records first. */
  private async writeBatch(phase: Phase, batch: Array<PreparedItem | PreparedRelation>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const scratch = await write(this.db, this.actor, this.operation, async (tx) => {
          const s = emptyScratch(this.result);
          // The lanes of a phase take their batches from that phase's entries only.
          if (phase === 'items') await this.writeItems(tx, batch as PreparedItem[], s, this.claims);
          else await this.writeRelations(tx, batch as PreparedRelation[], s, this.state);
          this.audit(tx, s, phase, batch.length);
          return s;
        });
        this.merge(scratch);
        return;
      } catch (error) {
        // The retry finds the rival's records and updates them.
        const raced = error instanceof ConflictError && error.details.identifier !== undefined;
        if (!raced || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
      }
    }
  }

  /** Identifies a batch against the graph, and writes the creates and updates reconciliation decides. */
  private async writeItems(
    tx: WriteTx,
    batch: PreparedItem[],
    out: Scratch,
    claims: Map<string, number>,
  ): Promise<void> {
    if (!batch.length) return;
    const owners = await findIdentifierOwners(
      tx,
      batch.flatMap((item) => item.keys),
    );
    const identified = identifyItems(batch, owners);
    const existing = new Map(
      identified.matchedIds.length ? (await findEntities(tx, identified.matchedIds)).map((e) => [e.id, e]) : [],
    );
    // Planned with no await between checking and taking claims, so parallel batches see each other's at once.
    const plan = planItems(this.ctx, identified, existing, claims);
    out.rejected.push(...plan.rejected);
    for (const [key, ref] of plan.known) out.known.set(key, ref);
    for (const id of plan.fresh) out.fresh.add(id);
    out.unchanged += plan.unchanged;
    if (plan.creates.length) await createEntities(tx, plan.creates);
    if (plan.updates.length) await updateEntities(tx, plan.updates);
    out.created += plan.creates.length;
    out.updated += plan.updates.length;
  }

  /** Resolves a batch's ends (this run's records first), and writes the relationships that are new or changed. */
  private async writeRelations(tx: WriteTx, batch: PreparedRelation[], out: Scratch, run: RunState): Promise<void> {
    if (!batch.length) return;
    const lookups = relationLookups(batch, run.known);
    const byIdentifier = lookups.keys.length
      ? await findRefsByIdentifier(tx, lookups.keys)
      : new Map<string, RecordRef>();
    const byId = lookups.ids.length ? await findRefsById(tx, lookups.ids) : new Map<string, RecordRef>();
    const { rows, rejected } = resolveRelations(this.registry, batch, { known: run.known, byIdentifier, byId });
    out.rejected.push(...rejected);
    if (!rows.length) return;
    const older = relationsToCheck(rows, run.fresh);
    const existing = older.length ? await existingRelationships(tx, older) : new Set<string>();
    const single = singleTypes(this.registry);
    const { replace, plain } = relationWrites(rows, existing, run.fresh, single);
    const created =
      (replace.length ? (await mergeRelationships(tx, replace, single)).created : 0) +
      (plain.length ? (await mergeRelationships(tx, plain)).created : 0);
    out.relationsCreated += created;
    out.relationsUnchanged += rows.length - created;
  }

  private audit(tx: WriteTx, scratch: Scratch, phase: string, count: number): void {
    tx.audit({
      entityType: 'Import',
      entityId: randomUUID(),
      action: 'import',
      after: {
        source: this.input.source,
        phase,
        count,
        created: scratch.created,
        updated: scratch.updated,
        relationsCreated: scratch.relationsCreated,
        rejected: scratch.rejected.length,
      },
    });
  }

  /** Adds a committed transaction's outcome to the result and the run state. */
  private merge(scratch: Scratch): ImportResult {
    const into = this.result;
    into.created += scratch.created;
    into.updated += scratch.updated;
    into.unchanged += scratch.unchanged;
    into.relationsCreated += scratch.relationsCreated;
    into.relationsUnchanged += scratch.relationsUnchanged;
    into.rejected.push(...scratch.rejected);
    for (const [key, ref] of scratch.known) this.state.known.set(key, ref);
    for (const id of scratch.fresh) this.state.fresh.add(id);
    return into;
  }
}

/** Items before relations, each in input order. */
function byIndex(x: ImportRejection, y: ImportRejection): number {
  return x.kind === y.kind ? x.index - y.index : x.kind === 'ITEM' ? -1 : 1;
}

function emptyScratch(base: ImportResult): Scratch {
  return {
    ...base,
    created: 0,
    updated: 0,
    unchanged: 0,
    relationsCreated: 0,
    relationsUnchanged: 0,
    rejected: [],
    known: new Map(),
    fresh: new Set(),
  };
}

/** The result without the run's bookkeeping. */
function toResult(r: ImportResult): ImportResult {
  return {
    source: r.source,
    atomic: r.atomic,
    applied: r.applied,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    relationsCreated: r.relationsCreated,
    relationsUnchanged: r.relationsUnchanged,
    rejected: r.rejected,
  };
}
