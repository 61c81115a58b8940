import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { CampaignAudience } from '~/lib/api-types';
import { explained } from '~/lib/campaigns.server';
import { reply } from '~/lib/respond.server';

/**
 * The wizard's live recipient count for an unsaved audience (`?audience=` JSON). A GET on purpose:
 * a fetcher load is a read, and unlike a submission it makes no page reload its data.
 */
export async function loader(args: LoaderFunctionArgs) {
  let audience: CampaignAudience;
  try {
    audience = JSON.parse(new URL(args.request.url).searchParams.get('audience') ?? '') as CampaignAudience;
  } catch {
    return reply(args, { count: null, error: 'The audience could not be read.' });
  }
  const { value, error } = await explained(() => userApi(args).post<{ count: number }>('/v1/campaigns/audience/count', { audience }));
  return reply(args, { count: value?.count ?? null, error });
}
