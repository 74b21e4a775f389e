/**
 * Who a request acts for once it is authenticated: a person (a bearer token from the local key or the OIDC issuer,
 * or a browser session) or an integration's API key. It extends the write path's Actor, so every write takes it.
 */
import { AppError } from '../errors';
import type { Actor } from '../write';

export type PrincipalKind = 'user' | 'api-key';

export interface Principal extends Actor {
  kind: PrincipalKind;
  /** The organization a customer principal belongs to; null for the service provider's own people and keys. */
  organizationId: string | null;
  /** A display name (a person's name, an API key's name). */
  name?: string;
}

/**
 * A Principal for `actor`: in-process callers (tests, tools) may pass a bare Actor, which is a user of no
 * organization.
 */
export function asPrincipal(actor: Actor | Principal): Principal {
  if ('kind' in actor) return actor;
  return { id: actor.id, roles: actor.roles, kind: 'user', organizationId: null };
}

/** Why a request has no principal; `extensions.reason` of the UNAUTHENTICATED error. */
export type AuthFailureReason =
  | 'missing_token'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'issuer_unavailable'
  | 'revoked'
  | 'session_ended'
  | 'invalid_credentials'
  | 'account_disabled';

/** A request that could not be authenticated: HTTP 401, `extensions: {code: 'UNAUTHENTICATED', reason}`. */
export class AuthenticationError extends AppError {
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super('UNAUTHENTICATED', message, { reason });
  }
}
