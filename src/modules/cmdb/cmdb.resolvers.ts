/** GraphQL resolvers of the CMDB (CIs, classes, relationships), contacts and import. */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Resolvers, RelationshipTypeName } from '../../generated/graphql';
import { SUMMARY_FIELDS, decided, onlySummary, selectsOnly } from '../../shared/graphql/lookahead';
import { BadUserInputError } from '../../shared/errors';
import type { GraphQLContext } from '../../context';
import type { CIListFilter, EntityRecord, RelationshipRow, RelationshipView } from './cmdb.types';
import { parseInput } from './parse';
import { attributesSchema } from './cmdb.validation';
import { atKey } from './cmdb.loaders';

const MAX_PAGE = 1000;

function encodeCursor(e: EntityRecord): string {
  return Buffer.from(JSON.stringify([e.name, e.id])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof id === 'string') return { name, id };
  } catch {
    /* fall through */
  }
  throw new BadUserInputError('not a cursor returned by this API', 'after');
}

const RELATIONSHIP_PLAIN = new Set(['type', 'direction', 'attributes', 'createdAt', '__typename']);
/** Plain relationship fields answered without reading the relationship's properties. */
const RELATIONSHIP_BARE = new Set(['type', 'direction', '__typename']);
const RELATIONSHIP_ENDS = new Set(['ci', 'from', 'to']);

/**
 * `relationships { type direction ci { id name class status } … }`: what the selection asks — nothing beyond
 * summaries of the other ends and no relationship properties ('bare'), summaries with properties ('summaries'), or
 * more ('full').
 */
function relationshipSelection(info: GraphQLResolveInfo): 'bare' | 'summaries' | 'full' {
  const fits = (set: SelectionSetNode | undefined, plain: ReadonlySet<string>): boolean =>
    !!set &&
    set.selections.every((sel) => {
      if (sel.kind === Kind.INLINE_FRAGMENT) return fits(sel.selectionSet, plain);
      if (sel.kind !== Kind.FIELD) return false;
      if (plain.has(sel.name.value)) return !sel.selectionSet;
      return RELATIONSHIP_ENDS.has(sel.name.value) && selectsOnly(sel.selectionSet, SUMMARY_FIELDS);
    });
  if (decided(info, 'relationship-bare', (nodes) => nodes.every((n) => fits(n.selectionSet, RELATIONSHIP_BARE))))
    return 'bare';
  return decided(info, 'relationship-summaries', (nodes) =>
    nodes.every((n) => fits(n.selectionSet, RELATIONSHIP_PLAIN)),
  )
    ? 'summaries'
    : 'full';
}

/** A record's relationships: live, or as they stood at the record's `asOf`. */
function relationshipsOf(ctx: GraphQLContext, self: EntityRecord): Promise<RelationshipRow[]> {
  if (self.asOf) return ctx.loaders.relationshipsAt.load(atKey(self.asOf, self.id));
  (ctx.loaders.fullRelationshipsAsked ??= new Set()).add(self.id);
  return ctx.loaders.relationships.load(self.id);
}

/**
 * A record's relationships at the cheapest level its fields need: `bare` (type, direction, summaries of the other
 * ends), `summaries` (plus the relationships' own properties) or `full` (the other ends' full records). Sibling fields
 * of one object (relationships, location, support groups, …) ask for the same rows: each marks what it needs, waits
 * one microtask — sibling resolvers of one object are all invoked before a microtask passes; the loaders' batches wait
 * longer — and then all read the richest level any of them asked for, so the CI costs one statement, not two.
 */
async function relationshipsAtLeast(
  ctx: GraphQLContext,
  self: EntityRecord,
  level: 'bare' | 'summaries' | 'full',
): Promise<RelationshipRow[]> {
  if (self.asOf || level === 'full') return relationshipsOf(ctx, self);
  if (level === 'summaries') (ctx.loaders.summaryRelationshipsAsked ??= new Set()).add(self.id);
  await Promise.resolve();
  if (ctx.loaders.fullRelationshipsAsked?.has(self.id)) return relationshipsOf(ctx, self);
  if (ctx.loaders.summaryRelationshipsAsked?.has(self.id)) return ctx.loaders.relationshipSummaries.load(self.id);
  return ctx.loaders.bareRelationshipSummaries.load(self.id);
}

/** The relationships field, at the level its selection needs. */
function relationshipsField(
  ctx: GraphQLContext,
  self: EntityRecord,
  info: GraphQLResolveInfo,
): Promise<RelationshipRow[]> {
  return relationshipsAtLeast(ctx, self, relationshipSelection(info));
}

/**
 * The other ends of one relationship type (location, support groups, a group's CIs, …): summaries when the selection
 * asks only id, class, name and status of them — a group supporting 800 CIs then costs no 800 full records.
 */
async function relatedOfType(
  ctx: GraphQLContext,
  self: EntityRecord,
  type: string,
  outgoing: boolean,
  info: GraphQLResolveInfo,
): Promise<EntityRecord[]> {
  const rows = await relationshipsAtLeast(ctx, self, onlySummary(info) ? 'bare' : 'full');
  return rows.filter((r) => r.type === type && (r.fromId === self.id) === outgoing).map((r) => r.other);
}

function relationshipOther(
  ctx: GraphQLContext,
  rel: RelationshipView,
  end: 'from' | 'to',
): Promise<EntityRecord | null> | EntityRecord {
  const id = end === 'from' ? rel.fromId : rel.toId;
  if (rel.other?.id === id) return rel.other;
  return rel.asOf ? ctx.loaders.entityAt.load(atKey(rel.asOf, id)) : ctx.loaders.entity.load(id);
}

export const cmdbResolvers: Resolvers = {
  Query: {
    ci: async (_, { id, asOf }, ctx) => {
      const entity = asOf ? await ctx.loaders.entityAt.load(atKey(asOf, id)) : await ctx.loaders.entity.load(id);
      return entity?.kind === 'ci' ? entity : null;
    },
    cis: async (_, { filter, first, after, asOf }, ctx) => {
      const limit = first ?? 50;
      if (limit < 0 || limit > MAX_PAGE) throw new BadUserInputError(`must be between 0 and ${MAX_PAGE}`, 'first');
      const listFilter: CIListFilter = {};
      if (filter?.classes) listFilter.classes = filter.classes;
      if (filter?.statuses) listFilter.statuses = filter.statuses;
      if (filter?.nameContains) listFilter.nameContains = filter.nameContains;
      if (filter?.attributes != null)
        listFilter.attributes = parseInput(attributesSchema, filter.attributes, 'filter.attributes');
      if (filter?.relatedTo) {
        if (asOf)
          throw new BadUserInputError(
            'relatedTo cannot be combined with asOf yet: use dependencies(ciId, asOf)',
            'filter.relatedTo',
          );
        listFilter.relatedTo = {
          ciId: filter.relatedTo.ciId,
          direction: filter.relatedTo.direction ?? 'BOTH',
          ...(filter.relatedTo.types ? { types: filter.relatedTo.types } : {}),
        };
      }
      const cmdb = ctx.services.cmdb;
      const rows = await cmdb.listCIs(
        listFilter,
        { limit, ...(after ? { after: decodeCursor(after) } : {}) },
        asOf ?? undefined,
      );
      const nodes = rows.slice(0, limit).map((n) => (asOf ? { ...n, asOf } : n));
      for (const node of nodes) {
        if (asOf) ctx.loaders.entityAt.prime(atKey(asOf, node.id), node);
        else ctx.loaders.entity.prime(node.id, node);
      }
      return {
        nodes,
        cursors: nodes.map(encodeCursor),
        hasNextPage: rows.length > limit,
        hasPreviousPage: !!after,
        count: () => cmdb.countCIs(listFilter, asOf ?? undefined),
      };
    },
    ciClasses: async (_, __, ctx) => (await ctx.services.registries.refresh()).allClasses(),
    relationshipTypes: async (_, __, ctx) => (await ctx.services.registries.current()).allRelationshipTypes(),
    organization: async (_, { id }, ctx) => {
      const e = await ctx.loaders.entity.load(id);
      return e?.class === 'Organization' ? e : null;
    },
    organizations: async (_, { orgType }, ctx) => listParties(ctx, 'Organization', orgType ?? undefined),
    group: async (_, { id }, ctx) => {
      const e = await ctx.loaders.entity.load(id);
      return e?.class === 'Group' ? e : null;
    },
    groups: async (_, __, ctx) => listParties(ctx, 'Group'),
    person: async (_, { id }, ctx) => {
      const e = await ctx.loaders.entity.load(id);
      return e?.class === 'Person' ? e : null;
    },
  },
  Mutation: {
    createCI: (_, { input }, ctx) => ctx.services.cmdb.createCI(ctx.actor, input),
    updateCI: (_, { input }, ctx) => ctx.services.cmdb.updateCI(ctx.actor, input),
    retireCI: (_, { input }, ctx) => ctx.services.cmdb.retireCI(ctx.actor, input),
    relateCIs: async (_, { input }, ctx) => {
      const row = await ctx.services.cmdb.relate(ctx.actor, input);
      ctx.loaders.entity.prime(row.other.id, row.other);
      return row;
    },
    unrelateCIs: async (_, { input }, ctx) => {
      const result = await ctx.services.cmdb.unrelate(ctx.actor, input);
      return { ...result, type: result.type as RelationshipTypeName };
    },
    defineCIClass: (_, { input }, ctx) => ctx.services.cmdb.defineClass(ctx.actor, input),
    createOrganization: (_, { input }, ctx) =>
      ctx.services.cmdb.createParty(
        ctx.actor,
        'Organization',
        { name: input.name, attributes: { ...(input.attributes as object), orgType: input.orgType } },
        'createOrganization',
      ),
    createGroup: (_, { input }, ctx) =>
      ctx.services.cmdb.createParty(
        ctx.actor,
        'Group',
        { name: input.name, attributes: input.attributes },
        'createGroup',
      ),
    createPerson: (_, { input }, ctx) =>
      ctx.services.cmdb.createParty(
        ctx.actor,
        'Person',
        {
          name: input.name,
          attributes: { ...(input.attributes as object), email: input.email },
          groupIds: input.groupIds ?? null,
        },
        'createPerson',
      ),
    importCMDB: (_, { input }, ctx) => ctx.services.imports.importCMDB(ctx.actor, input),
  },
  CI: {
    status: (ci) => ci.status ?? 'LIVE',
    location: async (ci, _, ctx, info) => (await relatedOfType(ctx, ci, 'LOCATED_IN', true, info))[0] ?? null,
    ownerGroup: async (ci, _, ctx, info) => (await relatedOfType(ctx, ci, 'OWNED_BY', true, info))[0] ?? null,
    supportGroups: (ci, _, ctx, info) => relatedOfType(ctx, ci, 'SUPPORTED_BY', true, info),
    subscribers: (ci, _, ctx, info) => relatedOfType(ctx, ci, 'SUBSCRIBES_TO', false, info),
    relationships: async (ci, { direction, types }, ctx, info) => {
      const rows = await relationshipsField(ctx, ci, info);
      return rows.filter(
        (r) =>
          (!types || types.includes(r.type as RelationshipTypeName)) &&
          (direction === 'BOTH' || !direction || (direction === 'OUTGOING') === (r.fromId === ci.id)),
      );
    },
  },
  Relationship: {
    type: (rel) => rel.type as RelationshipTypeName,
    direction: (rel) => (rel.fromId === rel.selfId ? 'OUTGOING' : 'INCOMING'),
    from: async (rel, _, ctx) => mustExist(await relationshipOther(ctx, rel, 'from'), rel.fromId),
    to: async (rel, _, ctx) => mustExist(await relationshipOther(ctx, rel, 'to'), rel.toId),
    ci: (rel, _, ctx) => {
      const other = relationshipOther(ctx, rel, rel.fromId === rel.selfId ? 'to' : 'from');
      const keepCI = (o: EntityRecord | null): EntityRecord | null => (o?.kind === 'ci' ? o : null);
      return other instanceof Promise ? other.then(keepCI) : keepCI(other);
    },
  },
  CIConnection: {
    edges: (c) => c.nodes.map((node, i) => ({ node, cursor: c.cursors[i] ?? '' })),
    pageInfo: (c) => ({
      hasNextPage: c.hasNextPage,
      hasPreviousPage: c.hasPreviousPage,
      startCursor: c.cursors[0] ?? null,
      endCursor: c.cursors[c.cursors.length - 1] ?? null,
    }),
    totalCount: (c) => c.count(),
  },
  CIClass: {
    kind: (c) => c.kind.toUpperCase(),
    base: (c) => c.base ?? null,
    description: (c) => c.description,
    identifyingKeys: (c, _, ctx) => ctx.services.registries.current().then((r) => r.identifyingKeysOf(c.name)),
    attributes: async (c, _, ctx) =>
      (await ctx.services.registries.current()).attributesOf(c.name).map((a) => ({
        name: a.name,
        type: a.type,
        required: a.required ?? false,
        description: a.description ?? null,
        allowedValues: a.allowedValues ?? null,
        min: a.min ?? null,
        max: a.max ?? null,
      })),
  },
  RelationshipType: {
    name: (t) => t.name as RelationshipTypeName,
    impacted: (t) => (t.impacted === 'from' ? 'FROM' : t.impacted === 'to' ? 'TO' : 'NONE'),
    redundancy: (t) => t.redundancy ?? false,
    fromClasses: (t) => t.from.map((c) => (c === '*ci' ? '*' : c)),
    toClasses: (t) => t.to.map((c) => (c === '*ci' ? '*' : c)),
  },
  Organization: {
    orgType: (o) => o.attributes.orgType as 'customer' | 'supplier' | 'internal',
    subscriptions: (o, _, ctx, info) => relatedOfType(ctx, o, 'SUBSCRIBES_TO', true, info),
  },
  Group: {
    members: (g, _, ctx, info) => relatedOfType(ctx, g, 'MEMBER_OF_GROUP', false, info),
    supports: (g, _, ctx, info) => relatedOfType(ctx, g, 'SUPPORTED_BY', false, info),
  },
  Person: {
    email: (p) => String(p.attributes.email ?? ''),
    groups: (p, _, ctx, info) => relatedOfType(ctx, p, 'MEMBER_OF_GROUP', true, info),
  },
};

function mustExist(entity: EntityRecord | null, id: string): EntityRecord {
  if (!entity) throw new Error(`relationship end ${id} vanished`);
  return entity;
}

async function listParties(ctx: GraphQLContext, className: string, orgType?: string): Promise<EntityRecord[]> {
  const rows = await ctx.services.cmdb.listParties(className, orgType);
  for (const row of rows) ctx.loaders.entity.prime(row.id, row);
  return rows;
}
