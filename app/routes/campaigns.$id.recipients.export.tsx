import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import { campaignPath } from '~/lib/campaigns.server';
import { recipientFiltersOf } from '~/lib/recipient-filters';
import { fileReply } from '~/lib/respond.server';

/** A campaign's recipients, filtered as on its page, as CSV (formula-safe, streamed by the API), handed on as a download. */
export async function loader(args: LoaderFunctionArgs) {
  const { outcome, q } = recipientFiltersOf(new URL(args.request.url));
  return fileReply(args, () => userApi(args).download(`${campaignPath(args.params.id ?? '')}/recipients/export`, { outcome, q }), 'recipients.csv');
}
