/**
 * Identification and reconciliation (importCMDB, npm run import).
 *
 * An item matching an existing record by any identifier of its class updates it; otherwise it is created.
 * Attributes merge by source precedence: an attribute last set by a higher-precedence source is kept.
 * Items are written in batches, each one transaction through the write path; `atomic` puts everything in one
 * transaction and writes nothing when anything is rejected. Two imports of the same items at the same time cannot
 * create duplicates: identifier nodes are unique, the loser's batch fails on the constraint and is retried, and
 * the retry finds the winner's records and updates them.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../shared/db';
import { AppError, ConflictError } from '../../shared/errors';
import { authorizeWrite, write, type Actor, type WriteTx } from '../../shared/write';
import * as repo from './cmdb.repository';
import type { EntityRecord } from './cmdb.types';
import { attributesSchema, identifiersSchema, nameSchema } from './cmdb.validation';
import { checkAttributes, identifierRows, identifiersOf } from './identification';
import { parseInput } from './parse';
import { CI_STATUSES, type Registry } from './registry';
import { singleTypes, type RegistryStore } from './cmdb.service';

const refSchema = z.object({
  id: z.string().min(1).nullish(),
  class: z.string().nullish(),
  identifiers: identifiersSchema.nullish(),
});

export const importSchema = z.object({
  source: z.string().trim().min(1, 'must name the source').max(100),
  atomic: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  items: z.array(z.unknown()).max(2_000_000),
  relations: z
    .array(z.unknown())
    .max(20_000_000)
    .nullish()
    .transform((v) => v ?? []),
});

const itemSchema = z.object({
  class: z.string().min(1),
  identifiers: identifiersSchema.nullish(),
  name: nameSchema,
  status: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(CI_STATUSES))
    .nullish(),
  version: z.string().trim().max(100).nullish(),
  attributes: attributesSchema.nullish(),
});

const relationSchema = z.object({
  type: z.string().min(1),
  from: refSchema,
  to: refSchema,
  attributes: attributesSchema.nullish(),
});

/** The shape of an import (GraphQL ImportInput, and the JSON file of `npm run import`). */
export interface ImportData {
  source: string;
  atomic?: boolean;
  items: ImportItemData[];
  relations?: ImportRelationData[];
}

export interface ImportItemData {
  class: string;
  name: string;
  identifiers?: Record<string, string>;
  status?: string;
  version?: string;
  attributes?: Record<string, string | number | boolean | string[]>;
}

/** A relation end: an existing record's id, or a class with identifiers (e.g. {name} or {hostname}). */
export type ImportRef = { id: string } | { class: string; identifiers: Record<string, string> };

export interface ImportRelationData {
  type: string;
  from: ImportRef;
  to: ImportRef;
  attributes?: Record<string, string | number | boolean | string[]>;
}

export interface ImportRejection {
  kind: 'ITEM' | 'RELATION';
  index: number;
  reason: string;
  field: string | null;
}

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

interface PreparedItem {
  index: number;
  kind: 'ci' | 'party';
  class: string;
  name: string;
  status: string | null;
  version: string | null | undefined;
  attributes: Record<string, unknown>;
  identifiers: Record<string, string>;
  keys: string[];
}

interface PreparedRelation {
  index: number;
  type: string;
  from: z.infer<typeof refSchema>;
  to: z.infer<typeof refSchema>;
  /** The identifier keys of each end given by identifiers (none for an end given by id), worked out once. */
  fromKeys: string[];
  toKeys: string[];
  props: Record<string, unknown>;
}

/** What this import has written so far: identifier key → record, and the ids it created. */
interface RunState {
  known: Map<string, repo.RecordRef>;
  fresh: Set<string>;
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
/** Item batches written at once (see importCMDB). */
const ITEM_LANES = 2;
/** Relations validated between two turns of the event loop while items are written (~10 ms of Node's time). */
const PREPARE_SLICE = 2000;

/** Input validated a slice at a time, strictly in order (checks between entries compare with earlier ones). */
interface Preparer<T> {
  /** The valid entries of raw[start, end). */
  slice(start: number, end: number): T[];
}

function sliced<T>(raw: unknown[], one: (raw: unknown, index: number, out: T[]) => void): Preparer<T> {
  let next = 0;
  return {
    slice(start, end) {
      if (start !== next) throw new Error(`import preparation out of order: slice at ${start}, expected ${next}`);
      const out: T[] = [];
      next = Math.min(end, raw.length);
      for (let index = start; index < next; index++) one(raw[index], index, out);
      return out;
    },
  };
}

export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly registries: RegistryStore,
    private readonly sourcePrecedence: readonly string[],
  ) {}

  /** Lower is stronger; sources not configured rank below all configured ones. */
  private rank(source: string | undefined): number {
    if (source === undefined) return Number.MAX_SAFE_INTEGER;
    const i = this.sourcePrecedence.indexOf(source);
    return i === -1 ? this.sourcePrecedence.length : i;
  }

  async importCMDB(actor: Actor | null, raw: unknown, options: ImportOptions = {}): Promise<ImportResult> {
    const operation = { name: 'importCMDB', permission: 'cmdb.import' as const, bulk: true };
    authorizeWrite(actor, operation);
    const input = parseInput(importSchema, raw);
    const registry = await this.registries.refresh();
    const result: ImportResult = {
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
    const reject = (kind: ImportRejection['kind'], index: number, error: unknown, field?: string): void => {
      const message = error instanceof Error ? error.message : String(error);
      const details = error instanceof AppError ? (error.details.field as string | undefined) : undefined;
      result.rejected.push({ kind, index, reason: message, field: field ?? details ?? null });
    };

    const itemPrep = this.itemPreparer(registry, input.items, reject);
    const relationPrep = this.relationPreparer(registry, input.relations, reject);

    const batchSize = options.batchSize ?? 5000;
    const run: RunState = { known: new Map(), fresh: new Set() };
    // Identifiers claimed by an item of this run (key → item index): the item's own and, when it matched a record,
    // all that record had. A second item reaching the same record through other identifiers (or through one the
    // first renamed away) is refused, never applied on top of the first — whichever batch or lane comes first.
    // Claims are keyed by item index, so an attempt the driver retries finds its own claims, not a rival's.
    const claims = new Map<string, number>();
    const byIndex = (x: ImportRejection, y: ImportRejection): number =>
      x.kind === y.kind ? x.index - y.index : x.kind === 'ITEM' ? -1 : 1;
    const auditOf = (tx: WriteTx, scratch: Scratch, phase: string, count: number): void =>
      tx.audit({
        entityType: 'Import',
        entityId: randomUUID(),
        action: 'import',
        after: {
          source: input.source,
          phase,
          count,
          created: scratch.created,
          updated: scratch.updated,
          relationsCreated: scratch.relationsCreated,
          rejected: scratch.rejected.length,
        },
      });

    if (input.atomic) {
      // Everything is validated before anything is written: a rejection leaves the graph untouched.
      const items = itemPrep.slice(0, input.items.length);
      const relations = relationPrep.slice(0, input.relations.length);
      if (result.rejected.length) return { ...result, applied: false };
      try {
        const scratch = await write(this.db, actor, operation, async (tx) => {
          // Everything in one attempt of one transaction: the relations resolve against this attempt's items (the
          // scratch is the attempt's run state), so a retried attempt never sees records of a rolled-back one.
          const s = emptyScratch(result);
          await this.writeItems(tx, registry, input.source, items, s, new Map());
          await this.writeRelations(tx, registry, relations, s, s);
          if (s.rejected.length) throw new Rollback(s);
          auditOf(tx, s, 'atomic', items.length + relations.length);
          return s;
        });
        options.onProgress?.({ phase: 'items', done: items.length, total: items.length });
        options.onProgress?.({ phase: 'relations', done: relations.length, total: relations.length });
        return toResult(mergeScratch(result, run, scratch));
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
        result.rejected.push(...error.scratch.rejected);
        result.rejected.sort(byIndex);
        return { ...result, applied: false };
      }
    }

    const runBatch = async (
      phase: 'items' | 'relations',
      batch: Array<PreparedItem | PreparedRelation>,
    ): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const scratch = await write(this.db, actor, operation, async (tx) => {
            const s = emptyScratch(result);
            if (phase === 'items')
              await this.writeItems(tx, registry, input.source, batch as PreparedItem[], s, claims);
            else await this.writeRelations(tx, registry, batch as PreparedRelation[], s, run);
            auditOf(tx, s, phase, batch.length);
            return s;
          });
          mergeScratch(result, run, scratch);
          return;
        } catch (error) {
          // A concurrent import created one of these records first: retry the batch, which now finds it.
          const raced = error instanceof ConflictError && error.details.identifier !== undefined;
          if (!raced || attempt >= MAX_CONFLICT_RETRIES) throw error;
          await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
        }
      }
    };

    // Batches are written by lanes: item batches never share a record (preparation refuses two items with a common
    // identifier), so two run at once — one is prepared and sent while Neo4j writes and commits the other. Relation
    // batches lock the records they join and would wait on each other: one at a time.
    let failed = false;
    const writeLanes = async (
      phase: 'items' | 'relations',
      lanes: number,
      count: number,
      take: (k: number) => Array<PreparedItem | PreparedRelation>,
      total: number,
    ): Promise<void> => {
      let next = 0;
      let done = 0;
      const lane = async (): Promise<void> => {
        while (!failed && next < count) {
          // Taken and prepared with no await in between: batches are prepared in input order, whichever lane runs.
          const k = next++;
          const batch = take(k);
          // Items a batch covered, rejected ones included (the count progress reports against `total`).
          const size = Math.min(batchSize, total - k * batchSize);
          try {
            if (batch.length) await runBatch(phase, batch);
          } catch (error) {
            failed = true;
            throw error;
          }
          done += size;
          options.onProgress?.({ phase, done, total });
        }
      };
      const outcomes = await Promise.allSettled(Array.from({ length: lanes }, lane));
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw failure.reason;
    };

    // Validation is Node's work while writing is Neo4j's: each item batch is prepared as a lane takes it, and the
    // relations are prepared in slices between the item batches' round trips (they only need the registry), so the
    // two overlap instead of all validation running before the first write. Rejections are the same either way:
    // every check that compares items (or relations) with each other compares with earlier ones, in input order.
    const relationsPrepared = (async (): Promise<PreparedRelation[]> => {
      const prepared: PreparedRelation[] = [];
      const step = Math.max(1, options.prepareSlice ?? PREPARE_SLICE);
      for (let start = 0; start < input.relations.length && !failed; start += step) {
        await new Promise((resolve) => setImmediate(resolve));
        for (const relation of relationPrep.slice(start, start + step)) prepared.push(relation);
      }
      return prepared;
    })();
    relationsPrepared.catch(() => undefined); // awaited below; not left unhandled when the item phase fails first
    try {
      await writeLanes(
        'items',
        ITEM_LANES,
        Math.ceil(input.items.length / batchSize),
        (k) => itemPrep.slice(k * batchSize, (k + 1) * batchSize),
        input.items.length,
      );
    } catch (error) {
      failed = true;
      throw error;
    }
    const relations = await relationsPrepared;
    await writeLanes(
      'relations',
      1,
      Math.ceil(relations.length / batchSize),
      (k) => relations.slice(k * batchSize, (k + 1) * batchSize),
      relations.length,
    );
    result.rejected.sort(byIndex);
    return result;
  }

  /** Validates items in input order, a slice at a time. */
  private itemPreparer(
    registry: Registry,
    rawItems: unknown[],
    reject: (k: 'ITEM', i: number, e: unknown, f?: string) => void,
  ): Preparer<PreparedItem> {
    const seen = new Map<string, number>();
    const one = (raw: unknown, index: number, prepared: PreparedItem[]): void => {
      const prefix = `items[${index}]`;
      try {
        const item = parseInput(itemSchema, raw, prefix);
        const cls = registry.getClass(item.class);
        if (!cls)
          throw new AppError('BAD_USER_INPUT', `${prefix}.class: unknown class ${item.class}`, {
            field: `${prefix}.class`,
          });
        if (cls.kind === 'party' && (item.status || item.version)) {
          throw new AppError('BAD_USER_INPUT', `${prefix}.status: ${cls.name} records have no status or version`, {
            field: `${prefix}.status`,
          });
        }
        const typed = registry.attributeSchema(cls.name, 'partial').safeParse(item.attributes ?? {});
        if (!typed.success) checkAttributes(registry, cls.name, item.attributes ?? {}, prefix); // throws the precise error
        // null means "clear this attribute" (subject to source precedence when it updates a record)
        const attributes: Record<string, unknown> = { ...(item.attributes ?? {}) };
        const identifiers = identifiersOf(registry, cls.name, item.name, attributes, item.identifiers ?? {}, prefix);
        const keys = identifierRows(cls.name, identifiers).map((r) => r.key);
        const twin = keys.map((k) => seen.get(k)).find((i) => i !== undefined);
        if (twin !== undefined) {
          throw new AppError(
            'BAD_USER_INPUT',
            `${prefix}: same record as items[${twin}] (shared identifier); merge them into one item`,
            { field: prefix },
          );
        }
        for (const k of keys) seen.set(k, index);
        prepared.push({
          index,
          kind: cls.kind,
          class: cls.name,
          name: item.name,
          status: cls.kind === 'ci' ? (item.status ?? null) : null,
          version: item.version,
          attributes,
          identifiers,
          keys,
        });
      } catch (error) {
        reject('ITEM', index, error);
      }
    };
    return sliced(rawItems, one);
  }

  /** Validates relations in input order, a slice at a time. */
  private relationPreparer(
    registry: Registry,
    rawRelations: unknown[],
    reject: (k: 'RELATION', i: number, e: unknown, f?: string) => void,
  ): Preparer<PreparedRelation> {
    const singles = new Map<string, number>();
    const one = (raw: unknown, index: number, prepared: PreparedRelation[]): void => {
      const prefix = `relations[${index}]`;
      try {
        const rel = parseInput(relationSchema, raw, prefix);
        if (!registry.relationshipType(rel.type)) {
          throw new AppError('BAD_USER_INPUT', `${prefix}.type: unknown relationship type ${rel.type}`, {
            field: `${prefix}.type`,
          });
        }
        for (const end of ['from', 'to'] as const) {
          const ref = rel[end];
          if (!ref.id && !(ref.class && ref.identifiers && Object.keys(ref.identifiers).length)) {
            throw new AppError('BAD_USER_INPUT', `${prefix}.${end}: give either id, or class with identifiers`, {
              field: `${prefix}.${end}`,
            });
          }
          if (!ref.id && ref.class && !registry.getClass(ref.class)) {
            throw new AppError('BAD_USER_INPUT', `${prefix}.${end}.class: unknown class ${ref.class}`, {
              field: `${prefix}.${end}.class`,
            });
          }
        }
        if (registry.relationshipType(rel.type)?.single) {
          const fromKey = `${rel.type} ${JSON.stringify(rel.from)}`;
          const earlier = singles.get(fromKey);
          if (earlier !== undefined) {
            throw new AppError(
              'BAD_USER_INPUT',
              `${prefix}: a record has at most one ${rel.type}, and relations[${earlier}] already gives this one`,
              { field: prefix },
            );
          }
          singles.set(fromKey, index);
        }
        prepared.push({
          index,
          type: rel.type,
          from: rel.from,
          to: rel.to,
          fromKeys: keysOf(rel.from),
          toKeys: keysOf(rel.to),
          props: repo.toStoredAttributes(rel.attributes ?? {}),
        });
      } catch (error) {
        reject('RELATION', index, error);
      }
    };
    return sliced(rawRelations, one);
  }

  /** Matches a batch against the graph and writes its creates and updates; rejections go to `out`. */
  private async writeItems(
    tx: WriteTx,
    registry: Registry,
    source: string,
    batch: PreparedItem[],
    out: Scratch,
    claims: Map<string, number>,
  ): Promise<void> {
    if (!batch.length) return;
    const owners = await repo.findIdentifierOwners(
      tx,
      batch.flatMap((item) => item.keys),
    );
    const matched = new Map<number, string>();
    const live: PreparedItem[] = [];
    for (const item of batch) {
      const ids = [...new Set(item.keys.map((k) => owners.get(k)).filter((x): x is string => !!x))];
      if (ids.length > 1) {
        const by = item.keys.filter((k) => owners.has(k)).map((k) => `${k.split('/')[1]} → ${owners.get(k)}`);
        out.rejected.push({
          kind: 'ITEM',
          index: item.index,
          reason: `items[${item.index}]: matches ${ids.length} different records (${by.join('; ')}); resolve the duplicate first`,
          field: `items[${item.index}].identifiers`,
        });
        continue;
      }
      if (ids[0]) matched.set(item.index, ids[0]);
      live.push(item);
    }
    const matchedIds = [...new Set(matched.values())];
    const existing = new Map(matchedIds.length ? (await repo.findEntities(tx, matchedIds)).map((e) => [e.id, e]) : []);
    const remember = (item: PreparedItem, ref: repo.RecordRef): void => {
      for (const key of item.keys) out.known.set(key, ref);
    };
    const creates: repo.NewEntityRow[] = [];
    const updates: repo.EntityUpdateRow[] = [];
    for (const item of live) {
      const current = existing.get(matched.get(item.index) ?? '');
      // Claims are checked and taken with no await in between, so parallel batches see each other's at once.
      const reach = current
        ? [...item.keys, ...identifierRows(current.class, current.identifiers).map((r) => r.key)]
        : item.keys;
      const holder = reach.map((k) => claims.get(k)).find((i) => i !== undefined && i !== item.index);
      if (holder !== undefined) {
        const how = current
          ? `matches the same record (${current.id}) as items[${holder}]`
          : `reaches the same record as items[${holder}] (through an identifier that record had)`;
        out.rejected.push({
          kind: 'ITEM',
          index: item.index,
          reason: `items[${item.index}]: ${how}; merge them into one item`,
          field: `items[${item.index}].identifiers`,
        });
        continue;
      }
      for (const k of reach) claims.set(k, item.index);
      try {
        if (!current) {
          const given = Object.fromEntries(Object.entries(item.attributes).filter(([, v]) => v !== null));
          checkAttributes(registry, item.class, given, `items[${item.index}]`);
          const id = randomUUID();
          out.fresh.add(id);
          remember(item, { id, class: item.class, status: item.kind === 'ci' ? (item.status ?? 'LIVE') : null });
          creates.push({
            id,
            kind: item.kind,
            class: item.class,
            name: item.name,
            status: item.kind === 'ci' ? (item.status ?? 'LIVE') : null,
            version: item.version ?? null,
            props: repo.toStoredAttributes(given),
            attrSources: JSON.stringify(Object.fromEntries(Object.keys(given).map((k) => [k, source]))),
            identifiers: identifierRows(item.class, item.identifiers),
          });
          continue;
        }
        const update = this.reconcile(registry, source, item, current);
        remember(item, {
          id: current.id,
          class: current.class,
          status: (update?.set.status as string | undefined) ?? current.status,
        });
        if (update) updates.push(update);
        else out.unchanged += 1;
      } catch (error) {
        out.rejected.push({
          kind: 'ITEM',
          index: item.index,
          reason: (error as Error).message,
          field: error instanceof AppError ? ((error.details.field as string) ?? null) : null,
        });
      }
    }
    if (creates.length) await repo.createEntities(tx, creates);
    if (updates.length) await repo.updateEntities(tx, updates);
    out.created += creates.length;
    out.updated += updates.length;
  }

  /** The update an item makes to its matched record, or undefined when it changes nothing. */
  private reconcile(
    registry: Registry,
    source: string,
    item: PreparedItem,
    current: EntityRecord,
  ): repo.EntityUpdateRow | undefined {
    const incomingRank = this.rank(source);
    const attributes = { ...current.attributes };
    const sources = { ...current.attributeSources };
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item.attributes)) {
      if (JSON.stringify(current.attributes[key]) === JSON.stringify(value)) continue;
      if (value === null && current.attributes[key] === undefined) continue;
      const holder = sources[key];
      if (current.attributes[key] !== undefined && holder !== undefined && this.rank(holder) < incomingRank) continue;
      if (value === null) {
        delete attributes[key];
        delete sources[key];
      } else {
        attributes[key] = value;
        sources[key] = source;
      }
      changed[key] = value;
    }
    checkAttributes(registry, current.class, attributes, `items[${item.index}]`);
    const set: Record<string, unknown> = repo.toStoredAttributes(changed);
    if (item.name !== current.name) Object.assign(set, { name: item.name, nameLower: item.name.toLowerCase() });
    if (item.status && item.status !== current.status) set.status = item.status;
    if (item.version !== undefined && (item.version ?? null) !== current.version) set.version = item.version ?? null;
    // Identifiers: the item's identifiers are added; the old name identifier goes when the name changed.
    const have = new Set(identifierRows(current.class, current.identifiers).map((r) => r.key));
    const addIdentifiers = identifierRows(current.class, item.identifiers).filter((r) => !have.has(r.key));
    const removeIdentifierKeys: string[] = [];
    for (const row of addIdentifiers) {
      const old = current.identifiers[row.name];
      if (old !== undefined) removeIdentifierKeys.push(repo.identifierKey(current.class, row.name, old));
    }
    if (!Object.keys(set).length && !addIdentifiers.length) return undefined;
    return { id: current.id, set, attrSources: JSON.stringify(sources), addIdentifiers, removeIdentifierKeys };
  }

  private async writeRelations(
    tx: WriteTx,
    registry: Registry,
    batch: PreparedRelation[],
    out: Scratch,
    run: RunState,
  ): Promise<void> {
    if (!batch.length) return;
    // Ends that are items of this import resolve from what the item phase wrote; only the rest are looked up.
    const wanted = new Set<string>();
    const idSet = new Set<string>();
    for (const rel of batch) {
      for (const k of rel.fromKeys) if (!run.known.has(k)) wanted.add(k);
      for (const k of rel.toKeys) if (!run.known.has(k)) wanted.add(k);
      if (rel.from.id) idSet.add(rel.from.id);
      if (rel.to.id) idSet.add(rel.to.id);
    }
    const owners = wanted.size ? await repo.findRefsByIdentifier(tx, [...wanted]) : new Map<string, repo.RecordRef>();
    const byId = idSet.size ? await repo.findRefsById(tx, [...idSet]) : new Map<string, repo.RecordRef>();
    const resolveRef = (
      ref: PreparedRelation['from'],
      keys: readonly string[],
    ): repo.RecordRef | repo.RecordRef[] | undefined => {
      if (ref.id) return byId.get(ref.id);
      let one: repo.RecordRef | undefined;
      let all: Map<string, repo.RecordRef> | undefined;
      for (const key of keys) {
        const owner = run.known.get(key) ?? owners.get(key);
        if (!owner || owner.id === one?.id) continue;
        if (!one) one = owner;
        else (all ??= new Map([[one.id, one]])).set(owner.id, owner);
      }
      return all ? [...all.values()] : one;
    };
    const rows: repo.RelationRow[] = [];
    for (const rel of batch) {
      const from = resolveRef(rel.from, rel.fromKeys);
      const to = resolveRef(rel.to, rel.toKeys);
      const problem = (['from', 'to'] as const)
        .map((end) => {
          const value = end === 'from' ? from : to;
          if (value && !Array.isArray(value)) return undefined;
          const ref = rel[end];
          const what = ref.id ? `id ${ref.id}` : `${ref.class} ${JSON.stringify(ref.identifiers)}`;
          return value
            ? ([`${end}: ${what} matches ${value.length} different records`, end] as const)
            : ([`${end}: no record matches ${what}`, end] as const);
        })
        .find(Boolean);
      if (problem) {
        out.rejected.push({
          kind: 'RELATION',
          index: rel.index,
          reason: `relations[${rel.index}].${problem[0]}`,
          field: `relations[${rel.index}].${problem[1]}`,
        });
        continue;
      }
      const a = from as repo.RecordRef;
      const b = to as repo.RecordRef;
      const retired = a.status === 'RETIRED' ? a : b.status === 'RETIRED' ? b : undefined;
      const violation =
        a.id === b.id
          ? 'a record cannot be related to itself'
          : retired
            ? `CI ${retired.id} is retired: new relationships to it are refused`
            : registry.relationshipViolation(rel.type, a.class, b.class);
      if (violation) {
        out.rejected.push({
          kind: 'RELATION',
          index: rel.index,
          reason: `relations[${rel.index}].type: ${violation}`,
          field: `relations[${rel.index}].type`,
        });
        continue;
      }
      rows.push({ type: rel.type, fromId: a.id, toId: b.id, props: rel.props });
    }
    if (!rows.length) return;
    // Relationships present already and carrying no attributes to set are unchanged: no write, no lock.
    // A record this import created has no relationships from before it, so neither check nor replacement applies.
    const older = rows.filter((r) => !run.fresh.has(r.fromId));
    const existing = older.length ? await repo.existingRelationships(tx, older) : new Set<string>();
    const toWrite = rows.filter((r) => !existing.has(repo.relationKey(r)) || Object.keys(r.props).length);
    const single = singleTypes(registry);
    const replace = toWrite.filter((r) => !run.fresh.has(r.fromId) && single.includes(r.type));
    const plain = toWrite.filter((r) => run.fresh.has(r.fromId) || !single.includes(r.type));
    const created =
      (replace.length ? (await repo.mergeRelationships(tx, replace, single)).created : 0) +
      (plain.length ? (await repo.mergeRelationships(tx, plain)).created : 0);
    out.relationsCreated += created;
    out.relationsUnchanged += rows.length - created;
  }
}

/** The identifier keys a relation end names (none for an end given by id). */
function keysOf(ref: z.infer<typeof refSchema>): string[] {
  if (ref.id) return [];
  const given = Object.entries(ref.identifiers ?? {}).filter((e): e is [string, string] => e[1] !== null);
  return identifierRows(ref.class ?? '', Object.fromEntries(given)).map((r) => r.key);
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

function mergeScratch(into: ImportResult, run: RunState, scratch: Scratch): ImportResult {
  into.created += scratch.created;
  into.updated += scratch.updated;
  into.unchanged += scratch.unchanged;
  into.relationsCreated += scratch.relationsCreated;
  into.relationsUnchanged += scratch.relationsUnchanged;
  into.rejected.push(...scratch.rejected);
  for (const [key, ref] of scratch.known) run.known.set(key, ref);
  for (const id of scratch.fresh) run.fresh.add(id);
  return into;
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
