/**
 * Cypher of the CMDB domain. Storage conventions:
 * - a CI is (:Entity:CI:<Class>), a party (:Entity:Party:<Class>); labels come from the registry only;
 * - attributes are flat properties prefixed `a_` (so `a_hostname`), which lets filters compare them in Cypher;
 * - `attrSources` is a JSON map attribute → source that last set it; `nameLower` backs case-insensitive search;
 * - identifiers are (:Identifier {key: "<Class>/<name>=<value>"}) nodes, unique by key, linked IDENTIFIED_BY.
 * - history: the live record holds its current state and who wrote it (`actor`, `operation`, `changeId`,
 *   `unauthorized` only when true), valid from its `updatedAt`; an update first copies the state it supersedes into
 *   an immutable (:Revision) (properties, identifiers as "name=value" strings, `kind`) valid from `validFrom` until
 *   `validTo`, in the same statement. A record's state at a moment is the live record if it was last written by then,
 *   else the revision valid then (`stateAt`, src/shared/db/temporal.ts). A removed relationship is archived as
 *   (a)-[:WAS {type, validFrom, validTo, actor}]->(b) before it goes.
 * Lookups by id or key carry `USING INDEX SEEK` hints: a plan cached while the database was nearly empty (a first
 * import) would otherwise keep scanning labels as the data grows — and a plain `USING INDEX` is no cure, a whole-index
 * *scan* satisfies it: measured at 10k CIs after an import, `subscribers` of a hub's 190 services scanned the
 * Entity(id) index once per service (1.9 million rows, 230 ms instead of 2). Every statement in src uses SEEK
 * (test/unit/cypher-hints.test.ts).
 */
import { int, type Row, type Tx } from '../../shared/db';
import { stateAt, stateProperties } from '../../shared/db/temporal';
import type { WriteTx } from '../../shared/write';
import type { CIListFilter, EntityRecord, PageRequest, RelationshipRow } from './cmdb.types';
import type { ClassDef, CIStatus } from './registry';

export const ATTR_PREFIX = 'a_';

/** Projects a node `n` with its identifiers; pair with `toEntity`. */
const ENTITY = `n { .*, createdAt: n.createdAt.epochMillis, updatedAt: n.updatedAt.epochMillis, kind: CASE WHEN n:CI THEN 'ci' ELSE 'party' END,
  identifiers: [(n)-[:IDENTIFIED_BY]->(i:Identifier) | [i.name, i.value]] }`;

/**
 * A relationship's properties with createdAt as epoch milliseconds. Datetimes travel as numbers on hot reads: the
 * driver spends ~15–20 µs decoding each DateTime, the largest cost of a page of relationships; `isoOf` turns the
 * number back into the ISO string the API returns.
 */
const REL_PROPS = 'r {.*, createdAt: r.createdAt.epochMillis}';

/** An ISO-8601 string from epoch milliseconds (hot reads) or an already converted datetime. */
export function isoOf(value: unknown): string {
  return typeof value === 'number' ? new Date(value).toISOString() : (value as string);
}

/**
 * Who wrote the state `n` now holds (params $actor, $operation, $changeId, $unauthorized). `unauthorized` is stored
 * only when true, and `changeId` only under a change: both are indexed, and a 100k-CI import would otherwise index
 * 100k nulls or falses.
 */
const STAMP = `n.actor = $actor, n.operation = $operation, n.changeId = $changeId, n.unauthorized = CASE WHEN $unauthorized THEN true END`;

/** A record's identifiers as the "name=value" strings revisions store (`node`: a variable of the statement). */
export function identifierStrings(node: string): string {
  return `[(${node})-[:IDENTIFIED_BY]->(i:Identifier) | i.name + '=' + i.value]`;
}

/** Takes the write lock on record `n` for the rest of the transaction (read-then-write without lost updates). */
const LOCK = 'SET n._lock = true REMOVE n._lock';

/** Copies the state live record `n` holds into a superseded (:Revision), valid until this transaction. */
const SUPERSEDE = `
  CREATE (rev:Revision)
  SET rev = properties(n), rev.kind = CASE WHEN n:CI THEN 'ci' ELSE 'party' END, rev.identifiers = ${identifierStrings('n')},
      rev.validFrom = n.updatedAt, rev.validTo = datetime.transaction()`;

/** What a revision of `v` stores besides its properties (`stateProperties`' derived entries). */
function revisionDerived(v: string): string {
  return `kind: CASE WHEN ${v}:CI THEN 'ci' ELSE 'party' END, identifiers: ${identifierStrings(v)}`;
}

/** Archives relationship r between a and b as a WAS relationship (the statement deletes r afterwards). */
const ARCHIVE_RELATIONSHIP = `
  CREATE (a)-[was:WAS]->(b)
  SET was = properties(r), was.type = type(r), was.validFrom = r.createdAt, was.validTo = datetime.transaction(),
      was.actor = $actor, was.changeId = $changeId`;

/** Operations that edit an existing CI: without a change record in progress they are flagged unauthorized. */
const CONTROLLED_OPERATIONS = new Set(['updateCI', 'retireCI']);

function meta(tx: WriteTx): { actor: string; operation: string; changeId: string | null; unauthorized: boolean } {
  return {
    actor: tx.actor.id,
    operation: tx.operation,
    changeId: tx.changeId,
    unauthorized: !tx.changeId && CONTROLLED_OPERATIONS.has(tx.operation),
  };
}

/** Identifier values match case-insensitively (LON-WEB01 is lon-web01), as hostnames and serials do. */
export function identifierKey(className: string, name: string, value: string): string {
  return `${className}/${name}=${value.toLowerCase()}`;
}

/** Stored properties (`a_` keys) → attribute map. */
function storedAttributes(props: Row): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(ATTR_PREFIX)) attributes[key.slice(ATTR_PREFIX.length)] = value;
  }
  return attributes;
}

/** Shared empty maps of summary records (never written: a summary answers id, class, name and status only). */
const NONE: Record<string, never> = Object.freeze({}) as Record<string, never>;

/**
 * A record carrying only a summary of an entity (id, kind, class, name, status): for answers whose selection asks no
 * more of it (see `SUMMARY_FIELDS`); its maps are empty and its timestamps blank, so it never primes a loader.
 */
export function summaryEntity(
  id: string,
  kind: EntityRecord['kind'],
  cls: string,
  name: string,
  status: string | null | undefined,
): EntityRecord {
  return {
    id,
    kind,
    class: cls,
    name,
    status: (status ?? null) as EntityRecord['status'],
    version: null,
    attributes: NONE,
    identifiers: NONE,
    attributeSources: NONE,
    createdAt: '',
    updatedAt: '',
    revision: 0,
  };
}

export function toEntity(row: unknown): EntityRecord {
  const props = row as Row;
  const attributes = storedAttributes(props);
  const identifiers: Record<string, string> = {};
  // Live entities project [name, value] pairs; revisions store "name=value" strings.
  for (const entry of (props.identifiers as Array<[string, string] | string> | null) ?? []) {
    if (typeof entry === 'string') {
      const eq = entry.indexOf('=');
      identifiers[entry.slice(0, eq)] = entry.slice(eq + 1);
    } else identifiers[entry[0]] = entry[1];
  }
  return {
    id: props.id as string,
    kind: props.kind === 'ci' ? 'ci' : 'party',
    class: props.class as string,
    name: props.name as string,
    status: (props.status as CIStatus | undefined) ?? null,
    version: (props.version as string | undefined) ?? null,
    attributes,
    identifiers,
    attributeSources: props.attrSources ? (JSON.parse(props.attrSources as string) as Record<string, string>) : {},
    createdAt: isoOf(props.createdAt),
    updatedAt: isoOf(props.updatedAt),
    revision: props.revision as number,
  };
}

/** Attribute map → stored properties (`a_` prefix); a null value removes the property when SET with +=. */
export function toStoredAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) out[ATTR_PREFIX + key] = value ?? null;
  return out;
}

export async function findEntities(tx: Tx, ids: readonly string[]): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN ${ENTITY} AS n`,
    { ids },
  );
  return rows.map((r) => toEntity(r.n));
}

/** Locks the entity for the rest of the transaction (read-then-write without lost updates) and returns it. */
export async function lockEntity(tx: Tx, id: string): Promise<EntityRecord | undefined> {
  const rows = await tx.run(`MATCH (n:Entity {id: $id}) USING INDEX SEEK n:Entity(id) ${LOCK} RETURN ${ENTITY} AS n`, {
    id,
  });
  return rows[0] ? toEntity(rows[0].n) : undefined;
}

/** A row {id, type, outgoing, props, n} of the relationship readers → the relationship seen from `id`. */
function toRelationshipRow(row: Row): RelationshipRow {
  const other = toEntity(row.n);
  const props = row.props as Row;
  const selfId = row.id as string;
  return {
    type: row.type as string,
    selfId,
    fromId: row.outgoing ? selfId : other.id,
    toId: row.outgoing ? other.id : selfId,
    attributes: storedAttributes(props),
    createdAt: isoOf(props.createdAt),
    other,
  };
}

/** Relationships of many entities in one statement, with the other end's full record (to prime loaders). */
export async function findRelationships(tx: Tx, ids: readonly string[]): Promise<RelationshipRow[]> {
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r]-(n:Entity) WHERE NOT r:WAS
     RETURN id, type(r) AS type, startNode(r) = self AS outgoing, ${REL_PROPS} AS props, ${ENTITY} AS n`,
    { ids },
  );
  return rows.map(toRelationshipRow);
}

/**
 * Relationships of many entities with only a summary of the other end ({id, class, name, status}): for queries that
 * ask no more of it. A fraction of `findRelationships`' cost (no properties, identifiers or source maps of the
 * neighbours); the rows are not used to prime the entity loader. Without `withProperties` the relationships' own
 * properties are not read either (their `attributes` come back empty and `createdAt` blank): for selections of
 * `type`, `direction` and the ends only.
 */
export async function findRelationshipSummaries(
  tx: Tx,
  ids: readonly string[],
  withProperties = true,
): Promise<RelationshipRow[]> {
  // One row per asked entity with its relationships as lists (not a row and two maps per relationship): a page of
  // 1,000 CIs has ~6,000 relationships, and rows and maps were most of the statement's and the driver's time.
  const rows = await tx.run(
    `UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     RETURN id, [(self)-[r]-(n:Entity) WHERE NOT r:WAS |
                 [type(r), startNode(r) = self, n.id, n.class, n.name, n.status, n:CI,
                  CASE WHEN $withProperties THEN ${REL_PROPS} END]] AS rels`,
    { ids, withProperties },
  );
  const out: RelationshipRow[] = [];
  for (const row of rows) {
    const selfId = row.id as string;
    for (const [type, outgoing, id, cls, name, status, ci, props] of row.rels as unknown[][]) {
      const other = summaryEntity(
        id as string,
        ci ? 'ci' : 'party',
        cls as string,
        name as string,
        status as string | null,
      );
      out.push({
        type: type as string,
        selfId,
        fromId: outgoing ? selfId : other.id,
        toId: outgoing ? other.id : selfId,
        attributes: props ? storedAttributes(props as Row) : NONE,
        createdAt: props ? isoOf((props as Row).createdAt) : '',
        other,
      });
    }
  }
  return out;
}

/** One relationship seen from its `from` end, or undefined. */
export async function findRelationship(
  tx: Tx,
  type: string,
  fromId: string,
  toId: string,
): Promise<RelationshipRow | undefined> {
  const rows = await tx.run(
    `MATCH (self:Entity {id: $fromId}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r:$($type)]->(n:Entity {id: $toId})
     RETURN ${REL_PROPS} AS props, ${ENTITY} AS n`,
    { type, fromId, toId },
  );
  const row = rows[0];
  if (!row) return undefined;
  const props = row.props as Row;
  const attributes = storedAttributes(props);
  return { type, selfId: fromId, fromId, toId, attributes, createdAt: isoOf(props.createdAt), other: toEntity(row.n) };
}

/**
 * WHERE clause of a CI list, composed from constant fragments for the filters present (so the planner sees
 * only the predicates in use); every value travels as a parameter.
 */
export function ciFilterClause(filter: CIListFilter): { where: string[]; params: Row } {
  const where: string[] = [];
  const params: Row = {};
  if (filter.classes?.length) {
    where.push('c.class IN $classes');
    params.classes = filter.classes;
  }
  if (filter.statuses?.length) {
    where.push('c.status IN $statuses');
    params.statuses = filter.statuses;
  }
  if (filter.nameContains) {
    where.push('c.nameLower CONTAINS $nameContains');
    params.nameContains = filter.nameContains.toLowerCase();
  }
  if (filter.attributes && Object.keys(filter.attributes).length) {
    where.push('all(k IN keys($attributes) WHERE c[$attrPrefix + k] = $attributes[k])');
    params.attributes = filter.attributes;
    params.attrPrefix = ATTR_PREFIX;
  }
  if (filter.relatedTo) {
    const pattern = {
      OUTGOING: '(c)-[r]->(:Entity {id: $relatedId})',
      INCOMING: '(c)<-[r]-(:Entity {id: $relatedId})',
      BOTH: '(c)-[r]-(:Entity {id: $relatedId})',
    }[filter.relatedTo.direction];
    where.push(
      filter.relatedTo.types?.length
        ? `EXISTS { MATCH ${pattern} WHERE type(r) IN $relatedTypes }`
        : `EXISTS { MATCH ${pattern} WHERE NOT r:WAS }`,
    );
    params.relatedId = filter.relatedTo.ciId;
    params.relatedTypes = filter.relatedTo.types ?? null;
  }
  return { where, params };
}

/** A live record `c` still in the state it was in at `$at` (last written by then). */
const LIVE_AT = 'c.updatedAt <= datetime($at)';
/** A superseded revision `c` that was the state at `$at`. */
const SUPERSEDED_AT = "c.kind = 'ci' AND c.validFrom <= datetime($at) AND c.validTo > datetime($at)";

/** One page of CIs ordered by (name, id), keyset-paginated; returns up to limit + 1 rows to tell hasNextPage. */
export async function listCIs(tx: Tx, filter: CIListFilter, page: PageRequest, at?: string): Promise<EntityRecord[]> {
  const { where, params } = ciFilterClause(filter);
  if (at) return listRevisions(tx, where, { ...params, at }, page);
  // A range on name lets the planner walk the name index in order and stop after the page (a partial top over
  // (name, id)) instead of sorting every CI; the keyset condition keeps that range.
  if (page.after) {
    where.push('c.name >= $afterName AND (c.name > $afterName OR c.id > $afterId)');
    params.afterName = page.after.name;
    params.afterId = page.after.id;
  } else where.push('c.name IS NOT NULL');
  const rows = await tx.run(
    `MATCH (c:CI) WHERE ${where.join(' AND ')}
     WITH c ORDER BY c.name, c.id LIMIT $limit
     WITH c AS n RETURN ${ENTITY} AS n`,
    { ...params, limit: int(page.limit + 1) },
  );
  return rows.map((r) => toEntity(r.n));
}

export async function countCIs(tx: Tx, filter: CIListFilter, at?: string): Promise<number> {
  const { where, params } = ciFilterClause(filter);
  if (at) {
    const rows = await tx.run(
      `CALL () {
         MATCH (c:CI) WHERE ${[LIVE_AT, ...where].join(' AND ')} RETURN count(c) AS n
         UNION ALL
         MATCH (c:Revision) WHERE ${[SUPERSEDED_AT, ...where].join(' AND ')} RETURN count(c) AS n
       }
       RETURN sum(n) AS n`,
      { ...params, at },
    );
    return (rows[0]?.n as number) ?? 0;
  }
  const rows = await tx.run(
    `MATCH (c:CI) ${where.length ? `WHERE ${where.join(' AND ')}` : ''} RETURN count(c) AS n`,
    params,
  );
  return (rows[0]?.n as number) ?? 0;
}

/**
 * A page of CIs as they stood at `at` (live records not written since, and revisions valid then); same filters and
 * order as listCIs.
 */
async function listRevisions(tx: Tx, where: string[], params: Row, page: PageRequest): Promise<EntityRecord[]> {
  if (page.after) {
    where = [...where, '(c.name > $afterName OR (c.name = $afterName AND c.id > $afterId))'];
    Object.assign(params, { afterName: page.after.name, afterId: page.after.id });
  }
  const rows = await tx.run(
    `CALL () {
       MATCH (c:CI) WHERE ${[LIVE_AT, ...where].join(' AND ')}
       WITH c ORDER BY c.name, c.id LIMIT $limit
       RETURN ${stateProperties('c', revisionDerived('c'))} AS n
       UNION ALL
       MATCH (c:Revision) WHERE ${[SUPERSEDED_AT, ...where].join(' AND ')}
       WITH c ORDER BY c.name, c.id LIMIT $limit
       RETURN properties(c) AS n
     }
     RETURN n ORDER BY n.name, n.id LIMIT $limit`,
    { ...params, limit: int(page.limit + 1) },
  );
  return rows.map((r) => toEntity(r.n));
}

/** Entities as they stood at `at` (absent when they did not exist then). */
export async function findRevisionsAt(tx: Tx, ids: readonly string[], at: string): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `WITH datetime($at) AS t
     UNWIND $ids AS id
     MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
     ${stateAt('n', 't')}
     RETURN ${stateProperties('state', revisionDerived('state'))} AS n`,
    { ids, at },
  );
  return rows.map((r) => toEntity(r.n));
}

export interface RevisionRecord {
  entity: EntityRecord;
  validFrom: string;
  validTo: string | null;
  actor: string | null;
  operation: string | null;
  /** The change record the write was carried out under. */
  changeId: string | null;
  /** An edit of an existing CI made without a change record in implementation. */
  unauthorized: boolean;
}

/** Every revision of an entity, oldest first: the superseded ones, then the live record's current state. */
export async function findRevisionHistory(tx: Tx, id: string): Promise<RevisionRecord[]> {
  const rows = await tx.run(
    `CALL () {
       MATCH (c:Revision {id: $id}) USING INDEX SEEK c:Revision(id) RETURN c
       UNION ALL
       MATCH (c:Entity {id: $id}) USING INDEX SEEK c:Entity(id) RETURN c
     }
     RETURN ${stateProperties('c', revisionDerived('c'))} AS n ORDER BY n.validFrom, n.revision`,
    { id },
  );
  return rows.map((r) => {
    const props = r.n as Row;
    return {
      entity: toEntity(props),
      validFrom: props.validFrom as string,
      validTo: (props.validTo as string | null) ?? null,
      actor: (props.actor as string | null) ?? null,
      operation: (props.operation as string | null) ?? null,
      changeId: (props.changeId as string | null) ?? null,
      unauthorized: props.unauthorized === true,
    };
  });
}

export interface SnapshotCI {
  id: string;
  class: string;
  name: string;
  status: string;
  version: string | null;
  props: Row;
  identifiers: string[];
}

/** Which CIs a snapshot holds: all, those matching a filter, or these ids. */
export interface SnapshotScope {
  filter?: CIListFilter;
  ids?: readonly string[];
}

/**
 * CI states at `at` for a snapshot (history's baselines): live CIs last written by then, and superseded revisions
 * valid then (a CI has one or the other), each with its stored properties and "name=value" identifiers.
 */
export async function snapshotCIs(tx: Tx, at: string, scope: SnapshotScope = {}): Promise<SnapshotCI[]> {
  const { where, params } = ciFilterClause(scope.filter ?? {});
  const ids = scope.ids;
  const live = [LIVE_AT, ...where];
  const superseded = [SUPERSEDED_AT, ...where];
  // With ids, both branches seek the id indexes (CIs are indexed by id as :Entity, not :CI).
  const rows = await tx.run(
    `CALL () {
       ${ids ? 'MATCH (c:Entity) USING INDEX SEEK c:Entity(id) WHERE c.id IN $ids AND c:CI AND' : 'MATCH (c:CI) WHERE'} ${live.join(' AND ')}
       RETURN c, ${identifierStrings('c')} AS identifiers
       UNION ALL
       ${ids ? 'MATCH (c:Revision) USING INDEX SEEK c:Revision(id) WHERE c.id IN $ids AND' : 'MATCH (c:Revision) WHERE'} ${superseded.join(' AND ')}
       RETURN c, c.identifiers AS identifiers
     }
     RETURN c.id AS id, c.class AS class, c.name AS name, c.status AS status, c.version AS version,
            identifiers, properties(c) AS props`,
    { ...params, at, ids: ids ?? null },
  );
  return rows as unknown as SnapshotCI[];
}

/** Relationships of entities as they stood at `at`: live ones created by then, archived (WAS) ones valid then. */
export async function findRelationshipsAt(tx: Tx, ids: readonly string[], at: string): Promise<RelationshipRow[]> {
  const rows = await tx.run(
    `WITH datetime($at) AS t
     UNWIND $ids AS id
     MATCH (self:Entity {id: id}) USING INDEX SEEK self:Entity(id)
     MATCH (self)-[r]-(n:Entity)
     WHERE (NOT r:WAS AND r.createdAt <= t) OR (r:WAS AND r.validFrom <= t AND r.validTo > t)
     ${stateAt('n', 't')}
     RETURN id, CASE WHEN r:WAS THEN r.type ELSE type(r) END AS type, startNode(r) = self AS outgoing,
            properties(r) AS props, ${stateProperties('state', revisionDerived('state'))} AS n`,
    { ids, at },
  );
  return rows.map(toRelationshipRow);
}

/** Which entity (if any) holds each identifier key. */
export async function findIdentifierOwners(tx: Tx, keys: readonly string[]): Promise<Map<string, string>> {
  const refs = await findRefsByIdentifier(tx, keys);
  return new Map([...refs].map(([key, ref]) => [key, ref.id]));
}

export interface RecordRef {
  id: string;
  class: string;
  status: string | null;
}

/** The records holding each identifier key, with just what relating them needs (id, class, status). */
export async function findRefsByIdentifier(tx: Tx, keys: readonly string[]): Promise<Map<string, RecordRef>> {
  // The owner is read by a pattern comprehension from the identifier, never by a second MATCH the planner may
  // reorder: planned on the statistics of a CMDB emptied moments before (a re-run import), that form ran one
  // 5,000-key lookup for 70 s at 100k CIs (SHOW TRANSACTIONS: running, no lock wait) and once failed a batch on the
  // 120 s transaction timeout. A comprehension can only expand from the identifier found by the index.
  const rows = await tx.run(
    `UNWIND $keys AS key
     MATCH (i:Identifier {key: key}) USING INDEX SEEK i:Identifier(key)
     WITH key, [(i)<-[:IDENTIFIED_BY]-(n:Entity) | n {.id, .class, .status}][0] AS n
     WHERE n IS NOT NULL
     RETURN key, n.id AS id, n.class AS class, n.status AS status`,
    { keys },
  );
  return new Map(
    rows.map((r) => [
      r.key as string,
      { id: r.id as string, class: r.class as string, status: (r.status as string) ?? null },
    ]),
  );
}

/** Records by id, with just id, class and status. */
export async function findRefsById(tx: Tx, ids: readonly string[]): Promise<Map<string, RecordRef>> {
  const rows = await tx.run(
    'UNWIND $ids AS id MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id) RETURN n.id AS id, n.class AS class, n.status AS status',
    { ids },
  );
  return new Map(
    rows.map((r) => [
      r.id as string,
      { id: r.id as string, class: r.class as string, status: (r.status as string) ?? null },
    ]),
  );
}

export interface IdentifierRow {
  key: string;
  name: string;
  value: string;
}

export interface NewEntityRow {
  id: string;
  kind: 'ci' | 'party';
  class: string;
  name: string;
  status: string | null;
  version: string | null;
  /** Stored form (`a_` keys). */
  props: Record<string, unknown>;
  attrSources: string;
  identifiers: IdentifierRow[];
}

/** Creates entities with their identifier nodes; a taken identifier fails the statement (unique constraint). */
export async function createEntities(tx: WriteTx, rows: readonly NewEntityRow[]): Promise<void> {
  await tx.run(
    `UNWIND $rows AS row
     CREATE (n:Entity {id: row.id, class: row.class, name: row.name, nameLower: toLower(row.name),
                       version: row.version, createdAt: datetime.transaction(), updatedAt: datetime.transaction(),
                       revision: 1, attrSources: row.attrSources})
     SET n:$(CASE row.kind WHEN 'ci' THEN 'CI' ELSE 'Party' END), n:$(row.class), n.status = row.status, n += row.props,
         ${STAMP}
     WITH n, row
     CALL (n, row) {
       UNWIND row.identifiers AS ident
       CREATE (n)-[:IDENTIFIED_BY]->(:Identifier {key: ident.key, class: row.class, name: ident.name, value: ident.value})
     }`,
    { rows, ...meta(tx) },
  );
}

export interface EntityUpdateRow {
  id: string;
  /** Properties to set (stored form; null removes). Includes name/nameLower/status/version when they change. */
  set: Record<string, unknown>;
  attrSources: string;
  addIdentifiers: IdentifierRow[];
  removeIdentifierKeys: string[];
}

/** Applies updates: keeps the superseded state as a revision, bumps revision and updatedAt, swaps identifier nodes. */
export async function updateEntities(tx: WriteTx, rows: readonly EntityUpdateRow[]): Promise<void> {
  await tx.run(
    `UNWIND $rows AS row
     MATCH (n:Entity {id: row.id}) USING INDEX SEEK n:Entity(id)
     // Lock before copying: the state superseded must be the one this write replaces, not one a concurrent writer
     // replaces first (the API locks in lockEntity already; the import does not).
     ${LOCK}
     ${SUPERSEDE}
     WITH n, row
     SET n += row.set, n.attrSources = row.attrSources, n.revision = n.revision + 1, n.updatedAt = datetime.transaction(),
         ${STAMP}
     WITH n, row
     CALL (n, row) {
       UNWIND row.removeIdentifierKeys AS key
       MATCH (n)-[:IDENTIFIED_BY]->(i:Identifier {key: key})
       DETACH DELETE i
     }
     CALL (n, row) {
       UNWIND row.addIdentifiers AS ident
       CREATE (n)-[:IDENTIFIED_BY]->(:Identifier {key: ident.key, class: n.class, name: ident.name, value: ident.value})
     }`,
    { rows, ...meta(tx) },
  );
}

export interface RelationRow {
  type: string;
  fromId: string;
  toId: string;
  /** Stored form (`a_` keys). */
  props: Record<string, unknown>;
}

/**
 * Which of these relationships exist already (a read: re-importing unchanged topology takes no write locks).
 * Expands outgoing from each `from` record only: out-degrees are small, hubs (switches, SANs) sit at the `to` end.
 */
export async function existingRelationships(tx: Tx, rows: readonly Omit<RelationRow, 'props'>[]): Promise<Set<string>> {
  const fromIds = [...new Set(rows.map((r) => r.fromId))];
  const found = await tx.run(
    `UNWIND $fromIds AS id
     MATCH (a:Entity {id: id}) USING INDEX SEEK a:Entity(id)
     RETURN id, [(a)-[r]->(b:Entity) WHERE NOT r:WAS | [type(r), b.id]] AS out`,
    { fromIds },
  );
  // Expanded from each record by a comprehension (see findRefsByIdentifier: no plan can start elsewhere).
  const keys = new Set<string>();
  for (const f of found)
    for (const [type, toId] of f.out as Array<[string, string]>)
      keys.add(relationKey({ fromId: f.id as string, type, toId }));
  return keys;
}

export function relationKey(row: Omit<RelationRow, 'props'>): string {
  return `${row.fromId}|${row.type}|${row.toId}`;
}

/**
 * MERGEs relationships; returns how many were new. The type comes from the registry, never from user text.
 * For single-valued types (`replaceTypes`), another relationship of that type leaving `from` is removed first.
 */
export async function mergeRelationships(
  tx: WriteTx,
  rows: readonly RelationRow[],
  replaceTypes: readonly string[] = [],
): Promise<{ created: number }> {
  const single = rows.filter((r) => replaceTypes.includes(r.type));
  if (single.length) {
    await tx.write(
      `UNWIND $rows AS row
       MATCH (a:Entity {id: row.fromId}) USING INDEX SEEK a:Entity(id)
       MATCH (a)-[r:$(row.type)]->(b:Entity) WHERE b.id <> row.toId
       ${ARCHIVE_RELATIONSHIP}
       DELETE r`,
      { rows: single, ...meta(tx) },
    );
  }
  // Rows without attributes travel without a props map (one map fewer per row for the driver to pack).
  const counters = await tx.write(
    `UNWIND $rows AS row
     MATCH (a:Entity {id: row.fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (b:Entity {id: row.toId}) USING INDEX SEEK b:Entity(id)
     MERGE (a)-[r:$(row.type)]->(b)
     ON CREATE SET r.createdAt = datetime.transaction()
     SET r += coalesce(row.props, {})`,
    { rows: rows.map((r) => (Object.keys(r.props).length ? r : { type: r.type, fromId: r.fromId, toId: r.toId })) },
  );
  return { created: counters.relationshipsCreated };
}

export async function deleteRelationship(tx: WriteTx, row: Omit<RelationRow, 'props'>): Promise<number> {
  const result = await tx.run(
    `MATCH (a:Entity {id: $fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (a)-[r:$($type)]->(b:Entity {id: $toId})
     ${ARCHIVE_RELATIONSHIP}
     DELETE r RETURN count(*) AS n`,
    { type: row.type, fromId: row.fromId, toId: row.toId, ...meta(tx) },
  );
  return (result[0]?.n as number) ?? 0;
}

/** Removes every outgoing relationship of a type (for single-valued ones: LOCATED_IN, OWNED_BY). */
export async function deleteOutgoing(tx: WriteTx, fromId: string, type: string): Promise<string[]> {
  const rows = await tx.run(
    `MATCH (a:Entity {id: $fromId}) USING INDEX SEEK a:Entity(id)
     MATCH (a)-[r:$($type)]->(b:Entity)
     ${ARCHIVE_RELATIONSHIP}
     WITH r, b.id AS id DELETE r RETURN id`,
    { fromId, type, ...meta(tx) },
  );
  return rows.map((r) => r.id as string);
}

export async function loadCustomClasses(tx: Tx): Promise<ClassDef[]> {
  const rows = await tx.run('MATCH (d:CIClassDef) RETURN d.definition AS definition ORDER BY d.createdAt');
  return rows.map((r) => JSON.parse(r.definition as string) as ClassDef);
}

export async function saveCustomClass(tx: Tx, def: ClassDef): Promise<void> {
  await tx.run('CREATE (:CIClassDef {name: $name, definition: $definition, createdAt: datetime.transaction()})', {
    name: def.name,
    definition: JSON.stringify(def),
  });
}

export async function countEntities(tx: Tx): Promise<number> {
  const rows = await tx.run('MATCH (n:CI) RETURN count(n) AS n');
  return (rows[0]?.n as number) ?? 0;
}

/** Organizations, groups or people, by name (a few hundred at most in any provider). */
export async function listParties(tx: Tx, className: string, orgType?: string): Promise<EntityRecord[]> {
  const rows = await tx.run(
    `MATCH (n:Party) WHERE n.class = $className AND ($orgType IS NULL OR n.a_orgType = $orgType)
     RETURN ${ENTITY} AS n ORDER BY n.name LIMIT 10000`,
    { className, orgType: orgType ?? null },
  );
  return rows.map((r) => toEntity(r.n));
}

export interface PartyFilter {
  orgType?: string;
  /** Lower-case substring of the name. */
  nameContains?: string;
}

/** A PartyFilter's conditions on a party `n` of class `$className` ($orgType and $nameContains null when unset). */
const PARTY_WHERE = `n.class = $className AND ($orgType IS NULL OR n.a_orgType = $orgType)
     AND ($nameContains IS NULL OR n.nameLower CONTAINS $nameContains)`;

/**
 * A keyset page of parties in creation order: (createdAt, id) after `page.after`, up to `page.limit + 1` rows. The
 * key's datetime travels as Cypher's string of the stored value, so sub-millisecond parts survive the cursor.
 */
export async function listPartiesPage(
  tx: Tx,
  className: string,
  filter: PartyFilter,
  page: { limit: number; after?: readonly [string, string] },
): Promise<Array<{ node: EntityRecord; key: [string, string] }>> {
  const rows = await tx.run(
    `MATCH (n:Party) WHERE ${PARTY_WHERE}
       AND ($afterAt IS NULL OR n.createdAt > datetime($afterAt)
            OR (n.createdAt = datetime($afterAt) AND n.id > $afterId))
     WITH n ORDER BY n.createdAt, n.id LIMIT $limit
     RETURN ${ENTITY} AS n, toString(n.createdAt) AS at`,
    {
      className,
      orgType: filter.orgType ?? null,
      nameContains: filter.nameContains ?? null,
      afterAt: page.after?.[0] ?? null,
      afterId: page.after?.[1] ?? null,
      limit: int(page.limit + 1),
    },
  );
  return rows.map((r) => {
    const node = toEntity(r.n);
    return { node, key: [r.at as string, node.id] };
  });
}

export async function countParties(tx: Tx, className: string, filter: PartyFilter): Promise<number> {
  const rows = await tx.run(`MATCH (n:Party) WHERE ${PARTY_WHERE} RETURN count(n) AS n`, {
    className,
    orgType: filter.orgType ?? null,
    nameContains: filter.nameContains ?? null,
  });
  return (rows[0]?.n as number) ?? 0;
}
