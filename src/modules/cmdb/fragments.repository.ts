/**
 * Cypher fragments the CMDB's repositories (ci, relationship, revision, identifier, class and party) share, and
 * the storage conventions they follow:
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
import type { Row } from '../../shared/db';
import type { WriteTx } from '../../shared/write';
import { ATTR_PREFIX } from './cmdb.rows';
import type { CIListFilter } from './cmdb.types';

/** Projects a node `n` with its identifiers; pair with `toEntity`. */
export const ENTITY = `n { .*, createdAt: n.createdAt.epochMillis, updatedAt: n.updatedAt.epochMillis, kind: CASE WHEN n:CI THEN 'ci' ELSE 'party' END,
  identifiers: [(n)-[:IDENTIFIED_BY]->(i:Identifier) | [i.name, i.value]] }`;

/**
 * A relationship's properties with createdAt as epoch milliseconds. Datetimes travel as numbers on hot reads: the
 * driver spends ~15–20 µs decoding each DateTime, the largest cost of a page of relationships; `isoOf` turns the
 * number back into the ISO string the API returns.
 */
export const REL_PROPS = 'r {.*, createdAt: r.createdAt.epochMillis}';

/**
 * Who wrote the state `n` now holds (params $actor, $operation, $changeId, $unauthorized). `unauthorized` is stored
 * only when true, and `changeId` only under a change: both are indexed, and a 100k-CI import would otherwise index
 * 100k nulls or falses.
 */
export const STAMP = `n.actor = $actor, n.operation = $operation, n.changeId = $changeId, n.unauthorized = CASE WHEN $unauthorized THEN true END`;

/** A record's identifiers as the "name=value" strings revisions store (`node`: a variable of the statement). */
export function identifierStrings(node: string): string {
  return `[(${node})-[:IDENTIFIED_BY]->(i:Identifier) | i.name + '=' + i.value]`;
}

/** Takes the write lock on record `n` for the rest of the transaction (read-then-write without lost updates). */
export const LOCK = 'SET n._lock = true REMOVE n._lock';

/** Copies the state live record `n` holds into a superseded (:Revision), valid until this transaction. */
export const SUPERSEDE = `
  CREATE (rev:Revision)
  SET rev = properties(n), rev.kind = CASE WHEN n:CI THEN 'ci' ELSE 'party' END, rev.identifiers = ${identifierStrings('n')},
      rev.validFrom = n.updatedAt, rev.validTo = datetime.transaction()`;

/** What a revision of `v` stores besides its properties (`stateProperties`' derived entries). */
export function revisionDerived(v: string): string {
  return `kind: CASE WHEN ${v}:CI THEN 'ci' ELSE 'party' END, identifiers: ${identifierStrings(v)}`;
}

/** Archives relationship r between a and b as a WAS relationship (the statement deletes r afterwards). */
export const ARCHIVE_RELATIONSHIP = `
  CREATE (a)-[was:WAS]->(b)
  SET was = properties(r), was.type = type(r), was.validFrom = r.createdAt, was.validTo = datetime.transaction(),
      was.actor = $actor, was.changeId = $changeId`;

/** Operations that edit an existing CI: without a change record in progress they are flagged unauthorized. */
const CONTROLLED_OPERATIONS = new Set(['updateCI', 'retireCI']);

export function meta(tx: WriteTx): {
  actor: string;
  operation: string;
  changeId: string | null;
  unauthorized: boolean;
} {
  return {
    actor: tx.actor.id,
    operation: tx.operation,
    changeId: tx.changeId,
    unauthorized: !tx.changeId && CONTROLLED_OPERATIONS.has(tx.operation),
  };
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
export const LIVE_AT = 'c.updatedAt <= datetime($at)';
/** A superseded revision `c` that was the state at `$at`. */
export const SUPERSEDED_AT = "c.kind = 'ci' AND c.validFrom <= datetime($at) AND c.validTo > datetime($at)";
