import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Button } from '~/components/atoms/Button';
import { PageHeader } from '~/components/molecules/PageHeader';
import { CampaignAudienceForm } from '~/components/organisms/CampaignAudienceForm';
import { blockingSummary, CampaignChecklistView } from '~/components/organisms/CampaignChecklistView';
import { CampaignContentForm } from '~/components/organisms/CampaignContentForm';
import { CampaignSendPanel } from '~/components/organisms/CampaignSendPanel';
import { CampaignSettingsForm } from '~/components/organisms/CampaignSettingsForm';
import { CampaignWizardSteps } from '~/components/organisms/CampaignWizardSteps';
import { userApi, type ApiClient } from '~/lib/api.server';
import type { Campaign, CampaignChecklist, CampaignWithProgress, DomainList, Page, TemplateSummary, TenantSettings, TestSend } from '~/lib/api-types';
import { checked } from '~/lib/campaign-form';
import { campaignUrl, editUrl, nextStep, stepOf, type WizardStep } from '~/lib/campaign-wizard';
import { audienceChoices, campaignPath, isEditableStep, loadCampaign, stepPatch } from '~/lib/campaigns.server';
import { field, formAction } from '~/lib/form-action.server';
import { plural } from '~/lib/format';
import { defaultScheduleTime, formatWallClock } from '~/lib/local-time';
import { useMe } from '~/lib/me';
import { optional } from '~/lib/optional.server';
import { can } from '~/lib/permissions';
import { timeZoneOptions } from '~/lib/regions';
import { redirectWith, reply } from '~/lib/respond.server';
import { parseRecipients } from '~/lib/template-draft';
import { queueToast } from '~/lib/toast.server';
import deliveryCss from '~/styles/delivery.css?url';
import templatesCss from '~/styles/templates.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

// The preview frame's styles live with the template screens.
export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: templatesCss },
  { rel: 'stylesheet', href: deliveryCss },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.name ?? 'Campaign'} · Edit · Edgepost` }];

/** Campaigns pick from the newest templates: the API pages at 100, more than a select can usefully show. */
const TEMPLATE_CHOICES = 100;

const templateChoices = (api: ApiClient) => api.get<Page<TemplateSummary>>('/v1/templates', { limit: TEMPLATE_CHOICES }).then((page) => page.data);

/** Only what the open step shows is loaded. */
async function stepData(api: ApiClient, step: WizardStep, campaign: CampaignWithProgress) {
  switch (step) {
    case 'audience': {
      const parentId = campaign.audience.unopened_of;
      const [choices, parent] = await Promise.all([audienceChoices(api), parentId ? optional(api.get<Campaign>(campaignPath(parentId))) : null]);
      return { step, ...choices, unopenedOfName: parent?.name ?? null };
    }
    case 'content':
      return { step, templates: await templateChoices(api) };
    case 'settings': {
      const [domains, tenant, templates] = await Promise.all([api.get<DomainList>('/v1/domains'), api.get<TenantSettings>('/v1/tenant'), templateChoices(api)]);
      return { step, domains, tenant, templates };
    }
    case 'checklist':
      return { step, checklist: await api.get<CampaignChecklist>(`${campaignPath(campaign.id)}/checklist`) };
    case 'send': {
      const [checklist, tenant] = await Promise.all([api.get<CampaignChecklist>(`${campaignPath(campaign.id)}/checklist`), api.get<TenantSettings>('/v1/tenant')]);
      return { step, checklist, timezone: tenant.timezone, timeZones: timeZoneOptions(tenant.timezone), defaultTime: defaultScheduleTime(Date.now(), tenant.timezone) };
    }
  }
}

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const step = stepOf(new URL(args.request.url).searchParams.get('step'));
  const campaign = await loadCampaign(api, args.params.id ?? '');
  if (campaign.status !== 'draft') {
    await queueToast(args, 'info', campaign.status === 'scheduled' ? 'This campaign is scheduled: unschedule it to edit it.' : 'Only drafts can be edited. Clone this campaign to start a new one from it.');
    return redirectWith(args, campaignUrl(campaign));
  }
  return reply(args, { campaign, data: await stepData(api, step, campaign) });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const path = campaignPath(args.params.id ?? '');
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'save':
      case 'continue': {
        const step = field(form, 'step');
        if (!isEditableStep(step)) throw new Response(`Unknown step ${step}`, { status: 400 });
        // The API's PATCH resets the audience and the template when a body leaves them out (its
        // schema's defaults apply to absent fields): every step sends the stored ones back.
        const stored = await api.get<Campaign>(path);
        const campaign = await api.patch<Campaign>(path, { audience: stored.audience, template_id: stored.template_id, ...stepPatch(step, form) });
        return intent === 'continue' ? { toast: 'Saved.', redirectTo: editUrl(campaign, nextStep(step)) } : { toast: 'Saved.' };
      }
      case 'send-test': {
        const sent = await api.post<TestSend>(`${path}/test`, { to: parseRecipients(field(form, 'to')), contact_id: field(form, 'contact_id') || undefined });
        return { toast: `Test email sent to ${sent.to.join(', ')}.` };
      }
      case 'send': {
        const campaign = await api.post<Campaign>(`${path}/send`);
        return { toast: `“${campaign.name}” is sending.`, redirectTo: campaignUrl(campaign) };
      }
      case 'schedule': {
        const schedule = { local_time: field(form, 'local_time'), timezone: field(form, 'timezone'), recipient_timezone: checked(form, 'recipient_timezone') };
        const campaign = await api.post<Campaign>(`${path}/schedule`, schedule);
        const where = schedule.recipient_timezone ? "in each recipient's time zone" : schedule.timezone.replaceAll('_', ' ');
        return { toast: `Scheduled for ${formatWallClock(schedule.local_time)} (${where}).`, redirectTo: campaignUrl(campaign) };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function EditCampaign() {
  const { campaign, data } = useLoaderData<typeof loader>();
  const me = useMe();
  const canWrite = can(me, 'campaigns:write');
  // A saved draft is new data: the forms start over from it (and forget "unsaved" marks).
  const revision = campaign.updated_at ?? campaign.created_at;
  useStepFocus(data.step);
  return (
    <>
      <PageHeader title={campaign.name} description="Draft: every step saves as you go." breadcrumb={[{ label: 'Campaigns', to: '/campaigns' }]} />
      <CampaignWizardSteps current={data.step} campaignId={campaign.id} />
      {data.step === 'audience' && (
        <CampaignAudienceForm
          key={revision}
          campaign={campaign}
          lists={data.lists}
          segments={data.segments}
          tags={data.tags}
          sending={data.sending}
          unopenedOfName={data.unopenedOfName}
          canWrite={canWrite}
        />
      )}
      {data.step === 'content' && <CampaignContentForm key={revision} campaign={campaign} templates={data.templates} canWrite={canWrite} userEmail={me.user.email} />}
      {data.step === 'settings' && <CampaignSettingsForm key={revision} campaign={campaign} domains={data.domains} tenant={data.tenant} templates={data.templates} canWrite={canWrite} />}
      {data.step === 'checklist' && <ChecklistStep campaign={campaign} checklist={data.checklist} />}
      {data.step === 'send' && (
        <CampaignSendPanel
          campaign={campaign}
          checklist={data.checklist}
          defaultTime={data.defaultTime}
          timezone={data.timezone}
          timeZones={data.timeZones}
          canSend={can(me, 'send')}
        />
      )}
    </>
  );
}

/** Each step opens at its heading (after the first page load), so keyboard and screen reader users start there. */
function useStepFocus(step: WizardStep) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }, [step]);
}

function ChecklistStep({ campaign, checklist }: { campaign: Campaign; checklist: CampaignChecklist }) {
  const revalidator = useRevalidator();
  const blocked = blockingSummary(checklist);
  return (
    <section className="card settings-card" aria-labelledby="step-checklist">
      <div className="settings-card__header">
        <h2 id="step-checklist" className="section__title" tabIndex={-1} data-step-heading>
          Checklist
        </h2>
        <p className={blocked ? undefined : 'text-muted'} role="status">
          {blocked ?? `Everything required passes: ready to send to ${plural(checklist.recipients, 'recipient')}.`}
        </p>
      </div>
      <CampaignChecklistView checklist={checklist} />
      <div className="settings-actions row">
        <Button icon="refresh" loading={revalidator.state !== 'idle'} onClick={() => revalidator.revalidate()}>
          Check again
        </Button>
        {checklist.ready ? (
          <Link to={editUrl(campaign, 'send')} className="btn btn--primary btn--md">
            Continue to sending
          </Link>
        ) : (
          <Button variant="primary" disabled>
            Continue to sending
          </Button>
        )}
      </div>
    </section>
  );
}
