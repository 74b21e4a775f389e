/**
 * The stored form of CMDB records, and the records read back from it: attribute properties (`a_` prefix),
 * identifier keys, and the rows the repositories write. No Cypher: reconciliation (import.reconcile.ts) and
 * identification use these without a database.
 */
import type { Row } from '../../shared/db';
import type { EntityRecord, RelationshipRow } from './cmdb.types';
import type { CIStatus } from './registry';

export const ATTR_PREFIX = 'a_';

/** An ISO-8601 string from epoch milliseconds (hot reads) or an already converted datetime. */
export function isoOf(value: unknown): string {
  return typeof value === 'number' ? new Date(value).toISOString() : (value as string);
}

/** Identifier values match case-insensitively (LON-WEB01 is lon-web01), as hostnames and serials do. */
export function identifierKey(className: string, name: string, value: string): string {
  return `${className}/${name}=${value.toLowerCase()}`;
}

/** Stored properties (`a_` keys) → attribute map. */
export function storedAttributes(props: Row): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(ATTR_PREFIX)) attributes[key.slice(ATTR_PREFIX.length)] = value;
  }
  return attributes;
}

/** Shared empty maps of summary records (never written: a summary answers id, class, name and status only). */
export const NONE: Record<string, never> = Object.freeze({}) as Record<string, never>;

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

/** A row {id, type, outgoing, props, n} of the relationship readers → the relationship seen from `id`. */
export function toRelationshipRow(row: Row): RelationshipRow {
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

export interface RecordRef {
  id: string;
  class: string;
  status: string | null;
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

export interface EntityUpdateRow {
  id: string;
  /** Properties to set (stored form; null removes). Includes name/nameLower/status/version when they change. */
  set: Record<string, unknown>;
  attrSources: string;
  addIdentifiers: IdentifierRow[];
  removeIdentifierKeys: string[];
}

export interface RelationRow {
  type: string;
  fromId: string;
  toId: string;
  /** Stored form (`a_` keys). */
  props: Record<string, unknown>;
}

export function relationKey(row: Omit<RelationRow, 'props'>): string {
  return `${row.fromId}|${row.type}|${row.toId}`;
}
