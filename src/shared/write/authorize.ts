/** Who may do what. Roles arrive with the actor; each write operation names the permission it needs. */
import { ForbiddenError } from '../errors';

export interface Actor {
  /** Who is acting: a person's login or an integration's name (X-Actor header for now). */
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
  | 'audit.sign';

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
  ],
  editor: ['cmdb.write', 'cmdb.import', 'servicedesk.log', 'servicedesk.write', 'change.manage', 'change.approve'],
  agent: ['servicedesk.log', 'servicedesk.write', 'change.approve'],
  'change-manager': ['servicedesk.log', 'servicedesk.write', 'change.manage', 'change.approve'],
  customer: ['servicedesk.log', 'change.approve'],
  integration: ['cmdb.import', 'servicedesk.log'],
  viewer: [],
  /** Reads everything, the audit log included; writes nothing. */
  auditor: ['audit.read'],
};

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
