/**
 * The read policy without a database: who counts as which audience, the customer scope of tickets, the write guard,
 * and that every rule of the table names a field the schema has (withReadPolicy refuses one that does not).
 */
import type { GraphQLContext } from '../../src/context';
import { FIELD_RULES, readerOf, withReadPolicy } from '../../src/server/policy';
import { loadTypeDefs } from '../../src/server/schema';
import { buildResolvers } from '../../src/server/app';
import { assertTicketInScope, customerOrganization, ticketOwnedBy, type Principal } from '../../src/shared/auth';

const principal = (roles: string[], organizationId: string | null = null): Principal => ({
  id: 'p',
  roles,
  kind: 'user',
  organizationId,
});
const ctx = (actor: Principal | null): GraphQLContext => ({ actor }) as unknown as GraphQLContext; // readerOf reads only actor

test('audiences: anonymous, customer (with an organization), viewer-only, provider', () => {
  expect(readerOf(ctx(null))).toEqual({ audience: 'anonymous', organizationId: null });
  expect(readerOf(ctx(principal(['customer'], 'org-a')))).toEqual({ audience: 'customer', organizationId: 'org-a' });
  expect(readerOf(ctx(principal(['viewer'])))).toEqual({ audience: 'viewer', organizationId: null });
  expect(readerOf(ctx(principal(['viewer', 'agent'])))).toEqual({ audience: 'provider', organizationId: null });
  expect(readerOf(ctx(principal(['auditor'])))).toEqual({ audience: 'provider', organizationId: null });
});

test('a customer owns the tickets whose impact names its organization', () => {
  const ticket = { number: 'INC0000001', customers: [{ id: 'org-a' }] };
  expect(customerOrganization(principal(['customer'], 'org-a'))).toBe('org-a');
  expect(customerOrganization(principal(['agent'], 'org-a'))).toBeNull();
  expect(ticketOwnedBy(ticket, 'org-a')).toBe(true);
  expect(ticketOwnedBy(ticket, 'org-b')).toBe(false);
  expect(() => assertTicketInScope(principal(['customer'], 'org-a'), ticket, 'addNote')).not.toThrow();
  expect(() => assertTicketInScope(principal(['customer'], 'org-b'), ticket, 'addNote')).toThrow(
    'addNote: ticket INC0000001 does not belong to organization org-b',
  );
  expect(() => assertTicketInScope(principal(['agent']), ticket, 'addNote')).not.toThrow();
});

test('every field rule is applied to the schema, and an unknown field is refused', () => {
  const policy = withReadPolicy(loadTypeDefs(), buildResolvers()).at(-1) as Record<string, Record<string, unknown>>;
  for (const rule of FIELD_RULES) {
    const [type, field] = rule.field.split('.') as [string, string];
    expect(typeof policy[type]?.[field]).toBe('function');
  }
  expect(typeof policy.Query?.incident).toBe('function');
  expect(typeof policy.Query?.incidentsConnection).toBe('function');
  expect(policy.Mutation).toBeUndefined();
  expect(() => withReadPolicy('type Query { a: Int }', [])).toThrow(
    /read policy names .*, which the schema does not have/,
  );
});
