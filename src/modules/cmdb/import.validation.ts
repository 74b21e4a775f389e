/**
 * Validation of an import: the shape of the input, and each item's and relation's field rules, checked against the
 * registry before anything is read from the graph. A rejection names the entry (`items[3]`, `relations[7]`) and the
 * field. Entries are validated a slice at a time, strictly in input order: the checks that compare entries (two
 * items sharing an identifier, two values of a single-valued relationship from one record) compare with earlier
 * ones, so the rejections are the same however the input is sliced.
 */
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { toStoredAttributes } from './cmdb.rows';
import { attributesSchema, identifiersSchema, nameSchema } from './cmdb.validation';
import { checkAttributes, identifierRows, identifiersOf } from './identification';
import { parseInput } from './parse';
import { CI_STATUSES, type Registry } from './registry';

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

/** A parsed import: source, atomic, and the raw entries (each validated on its own, see itemPreparer). */
export type ImportInput = z.infer<typeof importSchema>;

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

/** A valid item, with its identifiers and their keys worked out. */
export interface PreparedItem {
  index: number;
  kind: 'ci' | 'party';
  class: string;
  name: string;
  status: string | null;
  version: string | null | undefined;
  /** The given attributes; null means "clear this attribute" (subject to source precedence on an update). */
  attributes: Record<string, unknown>;
  identifiers: Record<string, string>;
  keys: string[];
}

/** A relation end as given: an id, or a class with identifiers. */
export type PreparedRef = z.infer<typeof refSchema>;

/** A valid relation: its type is known and each end names a record by id or by identifiers of a known class. */
export interface PreparedRelation {
  index: number;
  type: string;
  from: PreparedRef;
  to: PreparedRef;
  /** The identifier keys of each end given by identifiers (none for an end given by id), worked out once. */
  fromKeys: string[];
  toKeys: string[];
  props: Record<string, unknown>;
}

/** The rejection of an entry for an error: its message, and the field the error names unless one is given. */
export function rejectionOf(
  kind: ImportRejection['kind'],
  index: number,
  error: unknown,
  field?: string,
): ImportRejection {
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof AppError ? (error.details.field as string | undefined) : undefined;
  return { kind, index, reason: message, field: field ?? details ?? null };
}

/** Input validated a slice at a time, strictly in order (checks between entries compare with earlier ones). */
export interface Preparer<T> {
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

/** Validates items in input order, a slice at a time; each invalid one goes to `reject`. */
export function itemPreparer(
  registry: Registry,
  rawItems: unknown[],
  reject: (rejection: ImportRejection) => void,
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
      reject(rejectionOf('ITEM', index, error));
    }
  };
  return sliced(rawItems, one);
}

/** Validates relations in input order, a slice at a time; each invalid one goes to `reject`. */
export function relationPreparer(
  registry: Registry,
  rawRelations: unknown[],
  reject: (rejection: ImportRejection) => void,
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
        props: toStoredAttributes(rel.attributes ?? {}),
      });
    } catch (error) {
      reject(rejectionOf('RELATION', index, error));
    }
  };
  return sliced(rawRelations, one);
}

/** The identifier keys a relation end names (none for an end given by id). */
function keysOf(ref: PreparedRef): string[] {
  if (ref.id) return [];
  const given = Object.entries(ref.identifiers ?? {}).filter((e): e is [string, string] => e[1] !== null);
  return identifierRows(ref.class ?? '', Object.fromEntries(given)).map((r) => r.key);
}
