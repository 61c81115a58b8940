import { ROLES, type Me, type Role } from './api-types';

/** The permissions the dashboard asks about; the API's matrix (worker/domain/permissions.ts) decides. */
export type Permission = 'members:write' | 'api_keys:write' | 'audit:read' | 'tenant:write' | 'contacts:read' | 'contacts:write' | 'templates:read' | 'templates:write' | 'domains:write' | 'campaigns:read' | 'campaigns:write' | 'send' | 'transports:write' | 'webhooks:write';

/** Hide what the user cannot do; the API enforces it regardless. */
export function can(me: Pick<Me, 'permissions'>, permission: Permission): boolean {
  return me.permissions.includes(permission);
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Roles a member may hand out: their own and below (the API refuses anything higher). */
export function grantableRoles(own: Role): Role[] {
  return ROLES.filter((role) => ROLE_RANK[role] <= ROLE_RANK[own]);
}
