/** Who may do what. Roles arrive with the actor; each write operation names the permission it needs. */
import { ForbiddenError } from '../errors';

export interface Actor {
  /** Who is acting: the authenticated principal's id (a person's subject or email, an API key's id). */
  id: string;
  roles: string[];
}

export type Permission =
  | 'cmdb.write'
  | 'cmdb.import'
  | 'cmdb.admin'
  /** Log incidents and service requests, comment on one's own tickets (customers, monitoring). */
  | 'servicedesk.log'
  /** Work tickets: assign, transition, work notes, problems, known errors, releases. */
  | 'servicedesk.write'
  /** Raise and run changes (RFCs), blackout windows. */
  | 'change.manage'
  /** Approve or reject as a named CAB approver (the name is checked as well). */
  | 'change.approve'
  /** Service-desk configuration: priority matrix, thresholds, catalogue. */
  | 'servicedesk.admin'
  /** Read the audit log, its proofs and tree heads. */
  | 'audit.read'
  /** Sign a tree head of the audit log on demand. */
  | 'audit.sign'
  /** Create and revoke API keys, create and disable local accounts. */
  | 'identity.admin'
  /** Sign-in bookkeeping a person does for themselves: sessions, their own password (INTERNAL_ROLES). */
  | 'identity.self';

const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: [
    'cmdb.write',
    'cmdb.import',
    'cmdb.admin',
    'servicedesk.log',
    'servicedesk.write',
    'change.manage',
    'change.approve',
    'servicedesk.admin',
    'audit.read',
    'audit.sign',
    'identity.admin',
  ],
  editor: ['cmdb.write', 'cmdb.import', 'servicedesk.log', 'servicedesk.write', 'change.manage', 'change.approve'],
  agent: ['servicedesk.log', 'servicedesk.write', 'change.approve'],
  'change-manager': ['servicedesk.log', 'servicedesk.write', 'change.manage', 'change.approve'],
  customer: ['servicedesk.log', 'change.approve'],
  integration: ['cmdb.import', 'servicedesk.log'],
  viewer: [],
  /** Reads everything, the audit log included; writes nothing. */
  auditor: ['audit.read'],
  /** The identity module acting for a person who proved who they are (sign-in, sign-out, password change). */
  'identity-self-service': ['identity.self'],
};

/** Roles only the service gives itself: never taken from a token, an API key or an account. */
export const INTERNAL_ROLES: ReadonlySet<string> = new Set(['identity-self-service']);

/** The roles an API key or a local account may be given. */
export const ASSIGNABLE_ROLES: readonly string[] = Object.keys(ROLE_PERMISSIONS).filter((r) => !INTERNAL_ROLES.has(r));

export function can(actor: Actor, permission: Permission): boolean {
  return actor.roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission));
}

export function authorize(actor: Actor, permission: Permission, operation: string): void {
  if (!can(actor, permission)) {
    throw new ForbiddenError(
      `${operation} needs permission ${permission}; actor ${actor.id} has roles [${actor.roles.join(', ')}]`,
    );
  }
}
