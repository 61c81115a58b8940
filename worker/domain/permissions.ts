import type { Role } from '../db/schema';

/**
 * The one permission matrix. Routes name a permission; roles grant sets of them; API keys
 * carry a subset as scopes. Later resources add their permissions here and nowhere else.
 */
export const PERMISSIONS = [
  'tenant:read',
  'tenant:write',
  'members:read',
  'members:write',
  'api_keys:read',
  'api_keys:write',
  'audit:read',
  'jobs:read',
  'contacts:read',
  'contacts:write',
  'templates:read',
  'templates:write',
  'campaigns:read',
  'campaigns:write',
  'send',
  'stats:read',
  'domains:write',
  'transports:write',
  'webhooks:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));
const EDIT: Permission[] = [...READ, 'contacts:write', 'templates:write', 'campaigns:write', 'send'];
const ADMIN: Permission[] = [...EDIT, 'members:write', 'api_keys:write', 'domains:write', 'transports:write', 'webhooks:write'];
const OWNER: Permission[] = [...ADMIN, 'tenant:write'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(OWNER),
  admin: new Set(ADMIN),
  editor: new Set(EDIT),
  viewer: new Set(READ),
};

/** Roles in order of power; a member may only grant roles at or below their own. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Scopes an API key may carry. Member and key management stay with humans. */
export const API_KEY_SCOPES = PERMISSIONS.filter((p) => !p.startsWith('members:') && !p.startsWith('api_keys:') && p !== 'tenant:write');
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
