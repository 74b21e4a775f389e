export {
  asPrincipal,
  AuthenticationError,
  type AuthFailureReason,
  type Principal,
  type PrincipalKind,
} from './principal';
