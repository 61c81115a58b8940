import type { ActionFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { field, formAction } from '~/lib/form-action.server';

/** Posted by the notification bell (on every signed-in page) through its fetcher. */
export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'read':
        await api.post(`/v1/notifications/${encodeURIComponent(field(form, 'id'))}/read`);
        return { toast: 'Notification marked as read.' };
      case 'read-all':
        await api.post('/v1/notifications/read-all');
        return { toast: 'All notifications marked as read.' };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}
