export {
  asPrincipal,
  AuthenticationError,
  type AuthFailureReason,
  type Principal,
  type PrincipalKind,
} from './principal';
export { assertTicketInScope, customerOrganization, ticketOwnedBy, type ScopedTicket } from './scope';
