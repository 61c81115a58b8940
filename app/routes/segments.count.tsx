import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { ApiProblem } from '~/lib/problem';
import { reply } from '~/lib/respond.server';

/**
 * The segment builder's live count of unsaved rules (`?rules=` JSON). A GET on purpose: a
 * fetcher load is a read, and unlike a submission it makes no page reload its data.
 */
export async function loader(args: LoaderFunctionArgs) {
  let rules: unknown;
  try {
    rules = JSON.parse(new URL(args.request.url).searchParams.get('rules') ?? '');
  } catch {
    return reply(args, { count: null, error: 'The conditions could not be read.' });
  }
  try {
    const { count } = await userApi(args).post<{ count: number }>('/v1/segments/count', { rules });
    return reply(args, { count, error: null });
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    const reason = error.fieldErrors.map((e) => e.message).join('; ') || error.detail || error.title;
    // Answered, not thrown: the builder shows why it cannot count (like /jobs/:id does for its poller).
    return reply(args, { count: null, error: reason });
  }
}
