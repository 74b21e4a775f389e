/** The identity module's settings from the service configuration (the AUTH_* variables in src/config.ts). */
import type { Config } from '../../config';
import type { IdentityConfig } from './identity.service';

export type AuthSettings = Pick<
  Config,
  | 'AUTH_ISSUER'
  | 'AUTH_AUDIENCE'
  | 'AUTH_JWKS_URI'
  | 'AUTH_CLAIM_SUBJECT'
  | 'AUTH_CLAIM_ROLES'
  | 'AUTH_CLAIM_ORG'
  | 'AUTH_CLOCK_SKEW_SECONDS'
  | 'AUTH_LOCAL_ISSUER'
  | 'AUTH_KEY_FILE'
  | 'AUTH_SESSION_TTL_MINUTES'
  | 'AUTH_LOGIN_MAX_FAILURES'
  | 'AUTH_LOGIN_WINDOW_MINUTES'
>;

export function identityConfigFrom(settings: AuthSettings): IdentityConfig {
  return {
    keyFile: settings.AUTH_KEY_FILE,
    localIssuer: settings.AUTH_LOCAL_ISSUER,
    audience: settings.AUTH_AUDIENCE,
    clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
    oidc: settings.AUTH_ISSUER
      ? {
          issuer: settings.AUTH_ISSUER,
          jwksUri: settings.AUTH_JWKS_URI ?? null,
          claims: {
            subject: settings.AUTH_CLAIM_SUBJECT,
            roles: settings.AUTH_CLAIM_ROLES,
            organization: settings.AUTH_CLAIM_ORG,
          },
        }
      : null,
    sessionTtlSeconds: settings.AUTH_SESSION_TTL_MINUTES * 60,
    loginMaxFailures: settings.AUTH_LOGIN_MAX_FAILURES,
    loginWindowSeconds: settings.AUTH_LOGIN_WINDOW_MINUTES * 60,
  };
}
