/** GraphQL resolvers of the contacts' connections (organizations, groups) and the OrganizationType enum. */
import type { Resolvers } from '../../generated/graphql';
import { connectionFields, connectionOf, pageRequest } from '../../shared/graphql/connection';
import type { GraphQLContext } from '../../context';
import type { PartyFilter } from './party.repository';
import type { CIConnectionRecord } from './cmdb.types';

/** Parties sort by (createdAt as stored, id). */
const PARTY_KEY = ['string', 'string'] as const;

async function partyConnection(
  ctx: GraphQLContext,
  className: 'Organization' | 'Group',
  filter: PartyFilter,
  args: { first?: number | null; after?: string | null },
): Promise<CIConnectionRecord> {
  const page = pageRequest<[string, string]>(args, PARTY_KEY);
  const rows = await ctx.services.cmdb.partiesPage(className, filter, page);
  for (const row of rows) ctx.loaders.entity.prime(row.node.id, row.node);
  return connectionOf(rows, page, () => ctx.services.cmdb.countParties(className, filter));
}

export const contactsResolvers: Resolvers = {
  Query: {
    organizationsConnection: (_, { first, after, filter }, ctx) =>
      partyConnection(
        ctx,
        'Organization',
        {
          ...(filter?.orgType ? { orgType: filter.orgType } : {}),
          ...(filter?.nameContains ? { nameContains: filter.nameContains } : {}),
        },
        { first, after },
      ),
    groupsConnection: (_, { first, after, filter }, ctx) =>
      partyConnection(ctx, 'Group', filter?.nameContains ? { nameContains: filter.nameContains } : {}, {
        first,
        after,
      }),
  },
  OrganizationConnection: connectionFields,
  GroupConnection: connectionFields,
  // GraphQL names the types upper case; storage (and the registry's allowed values) keep the lower-case words.
  OrganizationType: { CUSTOMER: 'customer', SUPPLIER: 'supplier', INTERNAL: 'internal' },
};
