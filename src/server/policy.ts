/**
 * The read policy: one declarative table of what each audience may read, applied by wrapping the schema's field
 * resolvers once when the schema is built (`withReadPolicy`). Resolvers and services carry no read checks.
 *
 * Audiences: `provider` (the service provider's people and keys: admin, agent, editor, auditor, …), `viewer` (only
 * the viewer role), `customer` (the customer role with an organization, src/shared/auth/scope.ts) and `anonymous`
 * (an in-process call with no actor; HTTP answers 401 before any resolver runs).
 *
 * Two kinds of rule:
 * - FIELD_RULES: fields hidden from some audiences, each answered as the table says (an empty list, an empty
 *   object, a filtered list, or FORBIDDEN for a non-null scalar that has no harmless value).
 * - OBJECT_RULES: which records of a type an audience may see. Every field of every type (Mutation aside: writes are
 *   guarded by the write path) returning such a type is wrapped: a nullable one answers null (a lookup does not
 *   reveal that the record exists), a list drops the records, a connection drops them from its page, and a non-null
 *   one answers FORBIDDEN.
 */
import {
  buildSchema,
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
} from 'graphql';
import { customerOrganization, ticketOwnedBy } from '../shared/auth';
import { ForbiddenError } from '../shared/errors';
import type { ConnectionRecord } from '../shared/graphql/connection';
import type { Resolvers } from '../generated/graphql';
import type { GraphQLContext } from '../context';
import type { TicketRecord } from '../modules/tickets/tickets.repository';
import type { EntityRecord } from '../modules/cmdb';

export type Audience = 'provider' | 'viewer' | 'customer' | 'anonymous';

/** Who reads: the audience and, for a customer, its organization. */
export interface Reader {
  audience: Audience;
  organizationId: string | null;
}

const readers = new WeakMap<GraphQLContext, Reader>();

/** The reader of a request (computed once per context). */
export function readerOf(ctx: GraphQLContext): Reader {
  let reader = readers.get(ctx);
  if (!reader) {
    const actor = ctx.actor;
    const organizationId = customerOrganization(actor);
    reader = !actor
      ? { audience: 'anonymous', organizationId: null }
      : organizationId !== null
        ? { audience: 'customer', organizationId }
        : actor.roles.length > 0 && actor.roles.every((r) => r === 'viewer')
          ? { audience: 'viewer', organizationId: null }
          : { audience: 'provider', organizationId: null };
    readers.set(ctx, reader);
  }
  return reader;
}

/** What a hidden field answers instead of its value. */
type Redaction =
  | { as: 'empty-list' }
  | { as: 'empty-object' }
  | { as: 'forbidden' }
  | { as: 'value'; value: unknown }
  /** Keeps the list entries `keep` accepts. */
  | { as: 'filter'; keep: (entry: unknown, reader: Reader) => boolean };

interface FieldRule {
  /** `Type.field` in the schema. */
  field: string;
  hiddenFrom: readonly Audience[];
  redaction: Redaction;
  /** Why the field is hidden and why it is answered so. */
  why: string;
}

const EXTERNAL: readonly Audience[] = ['customer', 'anonymous'];
const NOT_STAFF: readonly Audience[] = ['customer', 'viewer', 'anonymous'];

const ownCustomerEntry = (entry: unknown, reader: Reader): boolean =>
  reader.organizationId !== null && (entry as { id?: string }).id === reader.organizationId;

export const FIELD_RULES: readonly FieldRule[] = [
  ...['Incident', 'Problem', 'ServiceRequest', 'Change'].map((type): FieldRule => ({
    field: `${type}.workNotes`,
    hiddenFrom: EXTERNAL,
    redaction: { as: 'empty-list' },
    why: 'work notes are internal to the service provider; a list, so an empty one says "none you may read"',
  })),
  {
    field: 'Person.email',
    hiddenFrom: NOT_STAFF,
    redaction: { as: 'forbidden' },
    why: "a person's contact detail; String! has no harmless value, so FORBIDDEN (the rest of the person answers)",
  },
  {
    field: 'Person.attributes',
    hiddenFrom: NOT_STAFF,
    redaction: { as: 'empty-object' },
    why: "a person's attributes hold contact details (phone, mobile, location); JSON!, so an empty object",
  },
  {
    field: 'Incident.suggestions',
    hiddenFrom: EXTERNAL,
    redaction: { as: 'value', value: { relatedIncidents: [], knownErrors: [] } },
    why: "related incidents and known errors name other organizations' tickets and internal diagnosis",
  },
  {
    field: 'Query.agentQueue',
    hiddenFrom: EXTERNAL,
    redaction: { as: 'empty-list' },
    why: "the service desk's work queue",
  },
  ...['Incident', 'Change'].map((type): FieldRule => ({
    field: `${type}.affectedCustomers`,
    hiddenFrom: EXTERNAL,
    redaction: { as: 'filter', keep: ownCustomerEntry },
    why: 'a customer learns only that its own organization is affected, never which others are',
  })),
  {
    field: 'ImpactResult.affectedCustomers',
    hiddenFrom: EXTERNAL,
    redaction: {
      as: 'filter',
      keep: (entry, reader) =>
        reader.organizationId !== null && (entry as { customerId?: string }).customerId === reader.organizationId,
    },
    why: 'impact analysis answered for a customer names no other organization',
  },
];

const TICKET_TYPES = ['TicketRef', 'Incident', 'Problem', 'KnownError', 'ServiceRequest', 'Change', 'Release'];

const isTicket = (record: unknown): record is TicketRecord =>
  typeof record === 'object' && record !== null && 'kind' in record && 'customers' in record;

const isOrganization = (record: unknown): record is EntityRecord =>
  typeof record === 'object' && record !== null && (record as { class?: unknown }).class === 'Organization';

/** A customer sees tickets its organization owns (scope.ts); anonymous callers see none. */
function ticketVisible(record: unknown, reader: Reader): boolean {
  if (reader.audience === 'provider' || reader.audience === 'viewer') return true;
  return reader.organizationId !== null && isTicket(record) && ticketOwnedBy(record, reader.organizationId);
}

/** A customer sees its own organization only; anonymous callers see none. */
function organizationVisible(record: unknown, reader: Reader): boolean {
  if (reader.audience === 'provider' || reader.audience === 'viewer') return true;
  return reader.organizationId !== null && (record as { id?: string }).id === reader.organizationId;
}

/** Node values: the rule of the record's own type; other types are not object-scoped yet. */
function nodeVisible(record: unknown, reader: Reader): boolean {
  if (isTicket(record)) return ticketVisible(record, reader);
  if (isOrganization(record)) return organizationVisible(record, reader);
  return true;
}

type Visible = (record: unknown, reader: Reader) => boolean;

export const OBJECT_RULES: Readonly<Record<string, Visible>> = {
  ...Object.fromEntries(TICKET_TYPES.map((t) => [t, ticketVisible])),
  Organization: organizationVisible,
  Node: nodeVisible,
};

type AnyResolver = GraphQLFieldResolver<unknown, GraphQLContext, Record<string, unknown>>;

function redact(rule: FieldRule, value: unknown, reader: Reader): unknown {
  const r = rule.redaction;
  switch (r.as) {
    case 'empty-list':
      return [];
    case 'empty-object':
      return {};
    case 'value':
      return r.value;
    case 'forbidden':
      throw new ForbiddenError(`${rule.field} is not visible to a ${reader.audience} reader`);
    case 'filter':
      return Array.isArray(value) ? value.filter((e) => r.keep(e, reader)) : value;
  }
}

function fieldRuleResolver(rule: FieldRule, inner: AnyResolver): AnyResolver {
  const hidden = new Set(rule.hiddenFrom);
  return (parent, args, ctx, info) => {
    const reader = readerOf(ctx);
    if (!hidden.has(reader.audience)) return inner(parent, args, ctx, info);
    if (rule.redaction.as !== 'filter') return Promise.resolve().then(() => redact(rule, undefined, reader));
    return Promise.resolve(inner(parent, args, ctx, info)).then((value) => redact(rule, value, reader));
  };
}

/** How a field returns a scoped type: one record, a list of them, or a connection of them. */
type Shape = { kind: 'one'; nonNull: boolean } | { kind: 'list' } | { kind: 'connection' };

function shapeOf(type: GraphQLOutputType, typeName: string): Shape | null {
  const named = getNamedType(type);
  if (named.name === typeName) {
    return isListType(getNullableType(type)) ? { kind: 'list' } : { kind: 'one', nonNull: isNonNullType(type) };
  }
  return null;
}

/** The scoped type a `XConnection { edges { node } }` type pages over, if any. */
function connectionOf(type: GraphQLOutputType): string | null {
  const named = getNamedType(type);
  if (!isObjectType(named) || !named.name.endsWith('Connection')) return null;
  const edges = named.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  const nodeType = node ? getNamedType(node.type).name : null;
  return nodeType && OBJECT_RULES[nodeType] ? nodeType : null;
}

function scopedResolver(
  field: GraphQLField<unknown, unknown>,
  typeName: string,
  shape: Shape,
  inner: AnyResolver,
): AnyResolver {
  const visible = OBJECT_RULES[typeName] as Visible;
  const scoped = async (reader: Reader, pending: unknown): Promise<unknown> => {
    const value: unknown = await pending;
    if (value === null || value === undefined) return value;
    switch (shape.kind) {
      case 'list':
        return Array.isArray(value) ? value.filter((v) => visible(v, reader)) : value;
      case 'connection': {
        const c = value as ConnectionRecord<unknown>;
        const keep = c.nodes.map((n) => visible(n, reader));
        return {
          ...c,
          nodes: c.nodes.filter((_, i) => keep[i]),
          cursors: c.cursors.filter((_, i) => keep[i]),
          count: () =>
            Promise.reject(new ForbiddenError(`${field.name}.totalCount is not answered to a ${reader.audience}`)),
        };
      }
      case 'one':
        if (visible(value, reader)) return value;
        if (shape.nonNull) throw new ForbiddenError(`${field.name}: not visible to a ${reader.audience} reader`);
        return null;
    }
  };
  // Provider readers get the field's own answer untouched, without another promise per field.
  return (parent, args, ctx, info) => {
    const reader = readerOf(ctx);
    const pending = inner(parent, args, ctx, info);
    return reader.audience === 'provider' ? pending : scoped(reader, pending);
  };
}

/**
 * `resolvers` with the read policy applied: one more resolver map, last, holding a wrapped resolver for every field
 * a rule covers (the wrapped one is the field's own resolver from `resolvers`, or graphql's default).
 */
export function withReadPolicy(typeDefs: string, resolvers: Resolvers[]): Resolvers[] {
  const schema = buildSchema(typeDefs);
  const own = (typeName: string, fieldName: string): AnyResolver => {
    let found: AnyResolver = defaultFieldResolver as AnyResolver;
    for (const map of resolvers) {
      const r = (map as Record<string, Record<string, unknown> | undefined>)[typeName]?.[fieldName];
      if (typeof r === 'function') found = r as AnyResolver;
    }
    return found;
  };
  const rulesByField = new Map(FIELD_RULES.map((r) => [r.field, r]));
  const policy: Record<string, Record<string, AnyResolver>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name === 'Mutation') continue;
    for (const field of Object.values(type.getFields())) {
      let resolver = own(type.name, field.name);
      let wrapped = false;
      const rule = rulesByField.get(`${type.name}.${field.name}`);
      if (rule) {
        resolver = fieldRuleResolver(rule, resolver);
        wrapped = true;
      }
      const named = getNamedType(field.type).name;
      const connected = connectionOf(field.type);
      if (OBJECT_RULES[named]) {
        resolver = scopedResolver(field, named, shapeOf(field.type, named) as Shape, resolver);
        wrapped = true;
      } else if (connected) {
        resolver = scopedResolver(field, connected, { kind: 'connection' }, resolver);
        wrapped = true;
      }
      if (wrapped) (policy[type.name] ??= {})[field.name] = resolver;
    }
  }
  for (const field of rulesByField.keys()) {
    const [typeName, fieldName] = field.split('.') as [string, string];
    if (!policy[typeName]?.[fieldName]) throw new Error(`read policy names ${field}, which the schema does not have`);
  }
  // The generated Resolvers type describes each module's typed maps; this map is built from the schema itself.
  return [...resolvers, policy as Resolvers];
}
