/** Tokens for tests over HTTP: signed by the service's local key, as `npm run token` signs them. */
import type { Services } from '../../src/context';
import type { Actor } from '../../src/shared/write';

/** `Authorization: Bearer <token>` for `actor` (an hour unless `ttlSeconds` says otherwise). */
export async function bearerFor(
  services: Services,
  actor: Actor & { organizationId?: string | null },
  ttlSeconds = 3600,
): Promise<{ authorization: string }> {
  const token = await services.identity.mintToken({
    subject: actor.id,
    roles: actor.roles,
    organizationId: actor.organizationId ?? null,
    ttlSeconds,
  });
  return { authorization: `Bearer ${token}` };
}
