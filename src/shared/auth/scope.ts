/**
 * The organization scope of a customer principal, shared by the read policy (src/server/policy.ts) and the write
 * guard the ticket services call. A customer principal is one with the customer role and an organization; it owns a
 * ticket that affects a service its organization subscribes to (the ticket's stored impact names the organization,
 * IMPACTS_CUSTOMER).
 */
import { ForbiddenError } from '../errors';
import type { Actor } from '../write';

/** What the scope rule needs of a ticket: its number (for messages) and the organizations its impact names. */
export interface ScopedTicket {
  number: string;
  customers: ReadonlyArray<{ id: string }>;
}

/** The organization `actor` is confined to, or null when it acts for the service provider. */
export function customerOrganization(actor: Actor | null): string | null {
  if (!actor || !actor.roles.includes('customer')) return null;
  const organizationId = (actor as { organizationId?: string | null }).organizationId;
  return typeof organizationId === 'string' && organizationId !== '' ? organizationId : null;
}

/** True when the ticket's impact names `organizationId` among its customers. */
export function ticketOwnedBy(ticket: ScopedTicket, organizationId: string): boolean {
  return ticket.customers.some((c) => c.id === organizationId);
}

/**
 * The customer write guard: a customer principal comments on, agrees to closure of, reopens and approves only its
 * own organization's tickets; FORBIDDEN otherwise. Provider principals pass.
 */
export function assertTicketInScope(actor: Actor, ticket: ScopedTicket, operation: string): void {
  const organizationId = customerOrganization(actor);
  if (organizationId !== null && !ticketOwnedBy(ticket, organizationId)) {
    throw new ForbiddenError(`${operation}: ticket ${ticket.number} does not belong to organization ${organizationId}`);
  }
}
