/** Who may do what. Roles arrive with the actor; each write operation names the permission it needs. */
import { ForbiddenError } from '../errors';

export interface Actor {
  /** Who is acting: a person's login or an integration's name (X-Actor header for now). */
  id: string;
  roles: string[];
}

export type Permission = 'cmdb.write' | 'cmdb.import' | 'cmdb.admin';

const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: ['cmdb.write', 'cmdb.import', 'cmdb.admin'],
  editor: ['cmdb.write', 'cmdb.import'],
  integration: ['cmdb.import'],
  viewer: [],
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
