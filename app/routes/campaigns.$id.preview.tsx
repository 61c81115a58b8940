import type { LoaderFunctionArgs } from '@remix-run/cloudflare';
import { userApi } from '~/lib/api.server';
import type { TemplatePreview } from '~/lib/api-types';
import { campaignPath, explained } from '~/lib/campaigns.server';
import { reply } from '~/lib/respond.server';

/** The saved campaign rendered for sample data or `?contact_id=`, as variant `?variant=` of an A/B test. */
export async function loader(args: LoaderFunctionArgs) {
  const query = new URL(args.request.url).searchParams;
  const body = { contact_id: query.get('contact_id') || undefined, variant: query.get('variant') || undefined };
  const { value, error } = await explained(() => userApi(args).post<TemplatePreview>(`${campaignPath(args.params.id ?? '')}/preview`, body));
  return reply(args, { preview: value, error });
}
