export {
  IdentityService,
  type CreatedApiKey,
  type IdentityConfig,
  type OidcConfig,
  type SignedIn,
} from './identity.service';
export { identityConfigFrom, type AuthSettings } from './identity.config';
export { SignInThrottled } from './login-throttle';
export { ACCEPTED_ALGORITHMS, DEFAULT_CLAIMS, LocalSigningKey, type ClaimMapping } from './tokens';
export { API_KEY_PREFIX, SESSION_PREFIX, apiKeyChecksumValid } from './api-keys';
export type { ApiKeyRecord, LocalUserRecord } from './identity.repository';
