import { ApiProblem } from './problem';

export const adminTenantPath = (id: string) => `/v1/admin/tenants/${encodeURIComponent(id)}`;

/**
 * A super-admin page's data: for anyone else the API answers 403, and the page says so instead of
 * showing an error about a request.
 */
export async function asSuperAdmin<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 403) throw new Response('This page is for platform super-admins (with two-factor authentication on).', { status: 403 });
    if (error instanceof ApiProblem && error.status === 404) throw new Response('No such tenant.', { status: 404 });
    throw error;
  }
}
