import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { CampaignLiveProgress } from '~/lib/api-types';
import { campaignPath, explained } from '~/lib/campaigns.server';
import { reply } from '~/lib/respond.server';

/** A sending campaign's live progress, polled by its page. */
export async function loader(args: LoaderFunctionArgs) {
  const { value, error } = await explained(() => userApi(args).get<CampaignLiveProgress>(`${campaignPath(args.params.id ?? '')}/progress`));
  return reply(args, { progress: value, error });
}
