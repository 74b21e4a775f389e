/**
 * Reconciliation of an import, pure: given validated items and relations and what identification found in the
 * graph, it decides per item create / update / unchanged / reject, and per relation the row to write or the
 * rejection. It reads and writes no database; the runner (import.runner.ts) looks records up, calls these
 * functions, and writes what they decide.
 *
 * - An item matching an existing record by any identifier of its class updates it; otherwise it creates one. An
 *   item whose identifiers lead to two different records is refused (the duplicate must be resolved first), and
 *   so is a second item of the run reaching a record another item already claimed.
 * - Attributes merge by source precedence: an attribute last set by a source of higher precedence is kept.
 * - An update that changes no attribute, name, status, version or identifier leaves the record unchanged.
 * - A relation end names a record by id, or by identifiers, resolved first against the records this run wrote.
 */
import { randomUUID } from 'node:crypto';
import {
  identifierKey,
  relationKey,
  toStoredAttributes,
  type EntityUpdateRow,
  type NewEntityRow,
  type RecordRef,
  type RelationRow,
} from './cmdb.rows';
import type { EntityRecord } from './cmdb.types';
import { checkAttributes, identifierRows } from './identification';
import { rejectionOf, type ImportRejection, type PreparedItem, type PreparedRelation } from './import.validation';
import type { Registry } from './registry';

export interface ReconcileContext {
  registry: Registry;
  /** The source of this import. */
  source: string;
  /** The configured sources, strongest first (SOURCE_PRECEDENCE). */
  precedence: readonly string[];
}

/** A source's rank: lower is stronger; sources not configured rank below all configured ones. */
export function sourceRank(precedence: readonly string[], source: string | undefined): number {
  if (source === undefined) return Number.MAX_SAFE_INTEGER;
  const i = precedence.indexOf(source);
  return i === -1 ? precedence.length : i;
}

/** What a run has written so far: identifier key → record, and the ids it created. */
export interface RunState {
  known: Map<string, RecordRef>;
  fresh: Set<string>;
}

export interface IdentifiedItems {
  /** The items still in play, each with the record it matched (undefined: none). */
  live: Array<{ item: PreparedItem; matchId: string | undefined }>;
  /** The distinct records matched, to be read before planning. */
  matchedIds: string[];
  rejected: ImportRejection[];
}

/**
 * Matches a batch against the identifier owners found in the graph (identifier key → record id). An item whose
 * identifiers belong to more than one record is rejected.
 */
export function identifyItems(batch: readonly PreparedItem[], owners: ReadonlyMap<string, string>): IdentifiedItems {
  const out: IdentifiedItems = { live: [], matchedIds: [], rejected: [] };
  const matched = new Set<string>();
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
    if (ids[0]) matched.add(ids[0]);
    out.live.push({ item, matchId: ids[0] });
  }
  out.matchedIds = [...matched];
  return out;
}

export interface ItemPlan extends RunState {
  creates: NewEntityRow[];
  updates: EntityUpdateRow[];
  unchanged: number;
  rejected: ImportRejection[];
}

/**
 * Decides each identified item: create, update, unchanged or reject. `existing` holds the matched records;
 * `claims` (identifier key → item index) is the run's, shared by all its batches: an item claims its own
 * identifiers and, when it matched a record, all that record had. A second item reaching the same record through
 * other identifiers (or through one the first renamed away) is refused, never applied on top of the first. Claims
 * are keyed by item index, so a retried batch finds its own claims, not a rival's.
 */
export function planItems(
  ctx: ReconcileContext,
  identified: IdentifiedItems,
  existing: ReadonlyMap<string, EntityRecord>,
  claims: Map<string, number>,
  newId: () => string = randomUUID,
): ItemPlan {
  const plan: ItemPlan = {
    creates: [],
    updates: [],
    unchanged: 0,
    rejected: [...identified.rejected],
    known: new Map(),
    fresh: new Set(),
  };
  const remember = (item: PreparedItem, ref: RecordRef): void => {
    for (const key of item.keys) plan.known.set(key, ref);
  };
  for (const { item, matchId } of identified.live) {
    const current = matchId === undefined ? undefined : existing.get(matchId);
    const reach = current
      ? [...item.keys, ...identifierRows(current.class, current.identifiers).map((r) => r.key)]
      : item.keys;
    const holder = reach.map((k) => claims.get(k)).find((i) => i !== undefined && i !== item.index);
    if (holder !== undefined) {
      const how = current
        ? `matches the same record (${current.id}) as items[${holder}]`
        : `reaches the same record as items[${holder}] (through an identifier that record had)`;
      plan.rejected.push({
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
        checkAttributes(ctx.registry, item.class, given, `items[${item.index}]`);
        const id = newId();
        const status = item.kind === 'ci' ? (item.status ?? 'LIVE') : null;
        plan.fresh.add(id);
        remember(item, { id, class: item.class, status });
        plan.creates.push({
          id,
          kind: item.kind,
          class: item.class,
          name: item.name,
          status,
          version: item.version ?? null,
          props: toStoredAttributes(given),
          attrSources: JSON.stringify(Object.fromEntries(Object.keys(given).map((k) => [k, ctx.source]))),
          identifiers: identifierRows(item.class, item.identifiers),
        });
        continue;
      }
      const update = updateFor(ctx, item, current);
      remember(item, {
        id: current.id,
        class: current.class,
        status: (update?.set.status as string | undefined) ?? current.status,
      });
      if (update) plan.updates.push(update);
      else plan.unchanged += 1;
    } catch (error) {
      plan.rejected.push(rejectionOf('ITEM', item.index, error));
    }
  }
  return plan;
}

/**
 * The update an item makes to its matched record, or undefined when it changes nothing. Throws BAD_USER_INPUT
 * when the merged attributes do not fit the class.
 */
export function updateFor(
  ctx: ReconcileContext,
  item: PreparedItem,
  current: EntityRecord,
): EntityUpdateRow | undefined {
  const incomingRank = sourceRank(ctx.precedence, ctx.source);
  const attributes = { ...current.attributes };
  const sources = { ...current.attributeSources };
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item.attributes)) {
    if (JSON.stringify(current.attributes[key]) === JSON.stringify(value)) continue;
    if (value === null && current.attributes[key] === undefined) continue;
    const holder = sources[key];
    if (
      current.attributes[key] !== undefined &&
      holder !== undefined &&
      sourceRank(ctx.precedence, holder) < incomingRank
    )
      continue;
    if (value === null) {
      delete attributes[key];
      delete sources[key];
    } else {
      attributes[key] = value;
      sources[key] = ctx.source;
    }
    changed[key] = value;
  }
  checkAttributes(ctx.registry, current.class, attributes, `items[${item.index}]`);
  const set: Record<string, unknown> = toStoredAttributes(changed);
  if (item.name !== current.name) Object.assign(set, { name: item.name, nameLower: item.name.toLowerCase() });
  if (item.status && item.status !== current.status) set.status = item.status;
  if (item.version !== undefined && (item.version ?? null) !== current.version) set.version = item.version ?? null;
  // Identifiers: the item's identifiers are added; the old value of an identifier it gives anew goes.
  const have = new Set(identifierRows(current.class, current.identifiers).map((r) => r.key));
  const addIdentifiers = identifierRows(current.class, item.identifiers).filter((r) => !have.has(r.key));
  const removeIdentifierKeys: string[] = [];
  for (const row of addIdentifiers) {
    const old = current.identifiers[row.name];
    if (old !== undefined) removeIdentifierKeys.push(identifierKey(current.class, row.name, old));
  }
  if (!Object.keys(set).length && !addIdentifiers.length) return undefined;
  return { id: current.id, set, attrSources: JSON.stringify(sources), addIdentifiers, removeIdentifierKeys };
}

/** What a relation batch needs looked up: identifier keys this run has not written, and ids. */
export function relationLookups(
  batch: readonly PreparedRelation[],
  known: ReadonlyMap<string, RecordRef>,
): { keys: string[]; ids: string[] } {
  const keys = new Set<string>();
  const ids = new Set<string>();
  for (const rel of batch) {
    for (const k of rel.fromKeys) if (!known.has(k)) keys.add(k);
    for (const k of rel.toKeys) if (!known.has(k)) keys.add(k);
    if (rel.from.id) ids.add(rel.from.id);
    if (rel.to.id) ids.add(rel.to.id);
  }
  return { keys: [...keys], ids: [...ids] };
}

/** Where relation ends are found: this run's records, then the graph's by identifier key and by id. */
export interface RelationEnds {
  known: ReadonlyMap<string, RecordRef>;
  byIdentifier: ReadonlyMap<string, RecordRef>;
  byId: ReadonlyMap<string, RecordRef>;
}

/** One record, the records an end's identifiers lead to when they are more than one, or undefined for none. */
function resolveEnd(
  ends: RelationEnds,
  ref: PreparedRelation['from'],
  keys: readonly string[],
): RecordRef | RecordRef[] | undefined {
  if (ref.id) return ends.byId.get(ref.id);
  let one: RecordRef | undefined;
  let all: Map<string, RecordRef> | undefined;
  for (const key of keys) {
    const owner = ends.known.get(key) ?? ends.byIdentifier.get(key);
    if (!owner || owner.id === one?.id) continue;
    if (!one) one = owner;
    else (all ??= new Map([[one.id, one]])).set(owner.id, owner);
  }
  return all ? [...all.values()] : one;
}

/**
 * Resolves each relation's ends to records and checks the relationship: an end matching no record or more than
 * one, a record related to itself, a retired end, or a pair of classes the type does not allow rejects it.
 */
export function resolveRelations(
  registry: Registry,
  batch: readonly PreparedRelation[],
  ends: RelationEnds,
): { rows: RelationRow[]; rejected: ImportRejection[] } {
  const rows: RelationRow[] = [];
  const rejected: ImportRejection[] = [];
  for (const rel of batch) {
    const from = resolveEnd(ends, rel.from, rel.fromKeys);
    const to = resolveEnd(ends, rel.to, rel.toKeys);
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
      rejected.push({
        kind: 'RELATION',
        index: rel.index,
        reason: `relations[${rel.index}].${problem[0]}`,
        field: `relations[${rel.index}].${problem[1]}`,
      });
      continue;
    }
    // Both ends resolved to one record each: `problem` is set whenever either is missing or ambiguous.
    const a = from as RecordRef;
    const b = to as RecordRef;
    const retired = a.status === 'RETIRED' ? a : b.status === 'RETIRED' ? b : undefined;
    const violation =
      a.id === b.id
        ? 'a record cannot be related to itself'
        : retired
          ? `CI ${retired.id} is retired: new relationships to it are refused`
          : registry.relationshipViolation(rel.type, a.class, b.class);
    if (violation) {
      rejected.push({
        kind: 'RELATION',
        index: rel.index,
        reason: `relations[${rel.index}].type: ${violation}`,
        field: `relations[${rel.index}].type`,
      });
      continue;
    }
    rows.push({ type: rel.type, fromId: a.id, toId: b.id, props: rel.props });
  }
  return { rows, rejected };
}

/** The rows whose relationship may exist already: a record this run created has none from before it. */
export function relationsToCheck(rows: readonly RelationRow[], fresh: ReadonlySet<string>): RelationRow[] {
  return rows.filter((r) => !fresh.has(r.fromId));
}

/**
 * Which rows to write and how. A relationship present already (`existing`, by relationKey) and carrying no
 * attributes to set is unchanged: no write, no lock. A single-valued relationship from a record from before the
 * run replaces the record's current one of that type (`replace`); the rest are merged as they are (`plain`).
 */
export function relationWrites(
  rows: readonly RelationRow[],
  existing: ReadonlySet<string>,
  fresh: ReadonlySet<string>,
  singleTypes: readonly string[],
): { replace: RelationRow[]; plain: RelationRow[] } {
  const toWrite = rows.filter((r) => !existing.has(relationKey(r)) || Object.keys(r.props).length);
  return {
    replace: toWrite.filter((r) => !fresh.has(r.fromId) && singleTypes.includes(r.type)),
    plain: toWrite.filter((r) => fresh.has(r.fromId) || !singleTypes.includes(r.type)),
  };
}
