import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { Contact, Page } from '~/lib/api-types';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

const RESULTS = 10;

export type ContactChoice = Pick<Contact, 'id' | 'email' | 'first_name' | 'last_name'>;

/** The editor's "preview as" picker: contacts whose email or name starts with `?q=`. */
export async function loader(args: LoaderFunctionArgs) {
  const q = new URL(args.request.url).searchParams.get('q')?.trim() ?? '';
  if (!q) return reply(args, { contacts: [] as ContactChoice[], error: null });
  try {
    const page = await userApi(args).get<Page<Contact>>('/v1/contacts', { q, limit: RESULTS });
    const contacts: ContactChoice[] = page.data.map(({ id, email, first_name, last_name }) => ({ id, email, first_name, last_name }));
    return reply(args, { contacts, error: null });
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    // Answered, not thrown: the picker says why it found nothing (a viewer without contacts:read, say).
    return reply(args, { contacts: [] as ContactChoice[], error: error.detail || error.title });
  }
}
