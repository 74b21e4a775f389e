/**
 * Global object identification (Relay): `node(id:)`, `nodes(ids:)` and the Node interface's type resolution. One
 * statement finds which type holds each id (`SystemService.nodeTypes`); the owning module's loaders or service then
 * load the records, batched per type.
 */
import DataLoader from 'dataloader';
import type { Resolvers, ResolversInterfaceTypes, ResolversParentTypes } from '../generated/graphql';
import type { GraphQLContext } from '../context';

type NodeRecord = ResolversInterfaceTypes<ResolversParentTypes>['Node'];
/** The types implementing Node in the schema (tsc refuses a name here that does not). */
type NodeTypeName =
  | 'CI'
  | 'Organization'
  | 'Group'
  | 'Person'
  | 'Baseline'
  | 'Incident'
  | 'Problem'
  | 'KnownError'
  | 'ServiceRequest'
  | 'Change'
  | 'Release'
  | 'CatalogItem';

/** Per request: the type lookups of every node field of one operation go out as one statement. */
const typeLoaders = new WeakMap<GraphQLContext, DataLoader<string, string | null>>();

function nodeTypeLoader(ctx: GraphQLContext): DataLoader<string, string | null> {
  let loader = typeLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const types = await ctx.services.system.nodeTypes(ids);
      return ids.map((id) => types.get(id) ?? null);
    });
    typeLoaders.set(ctx, loader);
  }
  return loader;
}

/** The record `id` names, loaded by the module that owns its type; null for an unknown id. */
async function loadNode(ctx: GraphQLContext, id: string): Promise<NodeRecord | null> {
  const type = await nodeTypeLoader(ctx).load(id);
  switch (type) {
    case 'CI':
    case 'Organization':
    case 'Group':
    case 'Person':
      return ctx.loaders.entity.load(id);
    case 'Baseline':
      return (await ctx.services.history.baselines([id]))[0] ?? null;
    case 'Incident':
    case 'Problem':
    case 'KnownError':
    case 'ServiceRequest':
    case 'Change':
    case 'Release':
      return ctx.ticketLoaders.ticket.load(id);
    case 'CatalogItem':
      return ctx.ticketLoaders.catalogItem.load(id);
    default:
      return null;
  }
}

/** The GraphQL type of a Node record, from the shape each module's record has. */
export function nodeTypeOf(node: NodeRecord): NodeTypeName {
  if ('checksum' in node) return 'Baseline';
  if ('requiresApproval' in node) return 'CatalogItem';
  // A ticket's kind is its type name (Incident, Problem, KnownError, ServiceRequest, Change, Release).
  if ('number' in node) return node.kind;
  if (node.kind === 'ci') return 'CI';
  // Parties are of the three built-in party classes (the registry defines no custom party classes).
  return node.class as 'Organization' | 'Group' | 'Person';
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx) => loadNode(ctx, id),
    nodes: (_, { ids }, ctx) => Promise.all(ids.map((id) => loadNode(ctx, id))),
  },
  Node: {
    __resolveType: (node) => nodeTypeOf(node),
  },
};
