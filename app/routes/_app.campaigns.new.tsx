import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/molecules/PageHeader';
import { CampaignAudienceForm } from '~/components/organisms/CampaignAudienceForm';
import { CampaignWizardSteps } from '~/components/organisms/CampaignWizardSteps';
import { userApi } from '~/lib/api.server';
import type { Campaign } from '~/lib/api-types';
import { editUrl } from '~/lib/campaign-wizard';
import { audienceChoices, stepPatch } from '~/lib/campaigns.server';
import { formAction } from '~/lib/form-action.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import { reply } from '~/lib/respond.server';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: deliveryCss }];

export const meta: MetaFunction = () => [{ title: 'New campaign · Edgepost' }];

export async function loader(args: LoaderFunctionArgs) {
  return reply(args, await audienceChoices(userApi(args)));
}

/** The draft exists from the first step on: every later step saves into it. */
export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction(args, async (form) => {
    const campaign = await api.post<Campaign>('/v1/campaigns', stepPatch('audience', form));
    return { toast: `Draft “${campaign.name}” created.`, redirectTo: editUrl(campaign, 'content') };
  });
}

export default function NewCampaign() {
  const { lists, segments, tags, sending } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="New campaign" breadcrumb={[{ label: 'Campaigns', to: '/campaigns' }]} />
      <CampaignWizardSteps current="audience" campaignId={null} />
      <CampaignAudienceForm campaign={null} lists={lists} segments={segments} tags={tags} sending={sending} unopenedOfName={null} canWrite={can(useMe(), 'campaigns:write')} />
    </>
  );
}
