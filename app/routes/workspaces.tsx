import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { AuthResponse } from '~/lib/api-types';
import { startSession } from '~/lib/auth-session.server';
import { field, formAction } from '~/lib/form-action.server';

/**
 * Posted by the workspace switcher in the navigation. Both answers are a new session in the
 * target workspace (the API ends the old one), so the token pair is replaced, then the overview opens.
 */
export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'switch-workspace': {
        const auth = await api.post<AuthResponse>('/v1/auth/switch', { tenant_id: field(form, 'tenant_id') });
        await startSession(args, auth);
        return { toast: `Switched to ${auth.tenant.name}.`, redirectTo: '/' };
      }
      case 'create-workspace': {
        const auth = await api.post<AuthResponse>('/v1/workspaces', { name: field(form, 'name') });
        await startSession(args, auth);
        return { toast: `Workspace ${auth.tenant.name} created. You are now working in it.`, redirectTo: '/' };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}
