/** GraphQL resolvers of identity: the caller's principal, API keys and local accounts; the service checks who may. */
import type { Resolvers } from '../../generated/graphql';
import { UnauthenticatedError } from '../../shared/errors';

export const identityResolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => {
      if (!ctx.actor) throw new UnauthenticatedError('me needs a signed-in principal');
      const { id, kind, roles, organizationId, name } = ctx.actor;
      return { id, kind: kind === 'api-key' ? 'API_KEY' : 'USER', roles, organizationId, name: name ?? null };
    },
    apiKeys: (_, __, ctx) => ctx.services.identity.apiKeys(ctx.actor),
    localUsers: (_, __, ctx) => ctx.services.identity.localUsers(ctx.actor),
  },
  Mutation: {
    createApiKey: (_, { input }, ctx) => ctx.services.identity.createApiKey(ctx.actor, input),
    revokeApiKey: (_, { id }, ctx) => ctx.services.identity.revokeApiKey(ctx.actor, id),
    createLocalUser: (_, { input }, ctx) => ctx.services.identity.createLocalUser(ctx.actor, input),
    disableLocalUser: (_, { id }, ctx) => ctx.services.identity.disableLocalUser(ctx.actor, id),
    changePassword: (_, { currentPassword, newPassword }, ctx) =>
      ctx.services.identity.changePassword(ctx.actor, currentPassword, newPassword),
  },
};
