import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { Link, useLoaderData } from '@remix-run/react';
import { FormAlert } from '~/components/molecules/FormAlert';
import { CampaignStatusBadge } from '~/components/molecules/CampaignStatusBadge';
import { TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { AbTestResults } from '~/components/organisms/AbTestResults';
import { CampaignLiveProgress } from '~/components/organisms/CampaignLiveProgress';
import { CampaignReport } from '~/components/organisms/CampaignReport';
import { ConfirmSubmit } from '~/components/organisms/ConfirmSubmit';
import { FormDialog } from '~/components/organisms/FormDialog';
import { PrintButton } from '~/components/molecules/PrintButton';
import { RecipientList } from '~/components/organisms/RecipientList';
import { userApi } from '~/lib/api.server';
import type { Campaign, CampaignLiveProgress as LiveProgress, CampaignRecipient, CampaignStats, CampaignWithProgress, Page, TemplateSummary } from '~/lib/api-types';
import { audience } from '~/lib/audience.server';
import { describeAudience } from '~/lib/campaign-form';
import { canDelete } from '~/lib/campaign-status';
import { campaignUrl, editUrl } from '~/lib/campaign-wizard';
import { campaignPath, loadCampaign } from '~/lib/campaigns.server';
import { field, formAction } from '~/lib/form-action.server';
import { formatDateTime } from '~/lib/format';
import { formatWallClock } from '~/lib/local-time';
import { useMe } from '~/lib/me';
import { optional } from '~/lib/optional.server';
import { can } from '~/lib/permissions';
import { recipientFiltersOf, recipientsHref } from '~/lib/recipient-filters';
import { reply } from '~/lib/respond.server';
import analyticsCss from '~/styles/analytics.css?url';
import deliveryCss from '~/styles/delivery.css?url';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: deliveryCss },
  { rel: 'stylesheet', href: analyticsCss },
];

const RECIPIENT_PAGE = 50;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.name ?? 'Campaign'} · Edgepost` }];

export async function loader(args: LoaderFunctionArgs) {
  const api = userApi(args);
  const campaign = await loadCampaign(api, args.params.id ?? '');
  const parentIds = [campaign.parent_id, campaign.audience.unopened_of].filter((id): id is string => Boolean(id));
  const started = campaign.status !== 'draft' && campaign.status !== 'scheduled';
  const recipientFilters = recipientFiltersOf(new URL(args.request.url));
  const [progress, stats, recipients, lists, segments, templates, parents] = await Promise.all([
    started ? optional(api.get<LiveProgress>(`${campaignPath(campaign.id)}/progress`)) : null,
    started ? optional(api.get<CampaignStats>(`${campaignPath(campaign.id)}/stats`)) : null,
    started ? optional(api.get<Page<CampaignRecipient>>(`${campaignPath(campaign.id)}/recipients`, { ...recipientFilters, limit: RECIPIENT_PAGE })) : null,
    optional(audience.lists(api)),
    optional(audience.segments(api)),
    optional(api.get<Page<TemplateSummary>>('/v1/templates', { limit: 100 }).then((page) => page.data)),
    Promise.all([...new Set(parentIds)].map((id) => optional(api.get<Campaign>(campaignPath(id))))),
  ]);
  const names = {
    lists: Object.fromEntries((lists ?? []).map((l) => [l.id, l.name])),
    segments: Object.fromEntries((segments ?? []).map((s) => [s.id, s.name])),
    templates: Object.fromEntries((templates ?? []).map((t) => [t.id, t.name])),
    campaigns: Object.fromEntries(parents.filter((p): p is Campaign => p !== null).map((p) => [p.id, p.name])),
  };
  return reply(args, { campaign, progress, stats, recipients, recipientFilters, names });
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  const path = campaignPath(args.params.id ?? '');
  return formAction(args, async (form, intent) => {
    switch (intent) {
      case 'pause':
        await api.post<Campaign>(`${path}/pause`);
        return { toast: 'Paused: nothing more goes out until you resume.' };
      case 'resume':
        await api.post<Campaign>(`${path}/resume`);
        return { toast: 'Sending again.' };
      case 'cancel':
        await api.post<Campaign>(`${path}/cancel`);
        return { toast: 'Cancelled: nothing more is sent.' };
      case 'unschedule': {
        const campaign = await api.post<Campaign>(`${path}/unschedule`);
        return { toast: 'Back to draft: it will not be sent until you send or schedule it again.', redirectTo: editUrl(campaign, 'send') };
      }
      case 'clone': {
        const copy = await api.post<Campaign>(`${path}/clone`);
        return { toast: `Copy created: “${copy.name}”.`, redirectTo: editUrl(copy) };
      }
      case 'resend-unopened': {
        const followUp = await api.post<Campaign>(`${path}/resend-unopened`, { subject: field(form, 'subject'), name: field(form, 'name') || undefined });
        return { toast: `Follow-up draft “${followUp.name}” created for those who did not open.`, redirectTo: editUrl(followUp, 'content') };
      }
      case 'delete':
        await api.delete(path);
        return {
          toast: 'Campaign deleted. You can restore it for 30 days.',
          toastAction: { label: 'Undo', to: '/campaigns', intent: 'restore', fields: { id: args.params.id ?? '' } },
          redirectTo: '/campaigns',
        };
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function CampaignPage() {
  const { campaign, progress, stats, recipients, recipientFilters, names } = useLoaderData<typeof loader>();
  const me = useMe();
  const canWrite = can(me, 'campaigns:write');
  const canSend = can(me, 'send');
  const templateNames = new Map(Object.entries(names.templates));
  return (
    <>
      <PageHeader
        title={campaign.name}
        description={<CampaignStatusBadge status={campaign.status} />}
        breadcrumb={[{ label: 'Campaigns', to: '/campaigns' }]}
        actions={<CampaignActions campaign={campaign} canWrite={canWrite} canSend={canSend} />}
      />
      <div className="stack">
        {campaign.status === 'failed' && <FormAlert message={campaign.failure_reason ?? 'The campaign could not be sent.'} />}
        {campaign.status === 'scheduled' && campaign.schedule && <ScheduledNote campaign={campaign} />}
        {campaign.status === 'draft' && (
          <p className="banner banner--info">
            This is a draft.{' '}
            {canWrite && (
              <Link to={editUrl(campaign)} className="link-button">
                Continue editing
              </Link>
            )}
          </p>
        )}
        {campaign.status !== 'draft' && campaign.status !== 'scheduled' && (
          // Keyed by status: a finished campaign stops polling from a fresh start.
          <CampaignLiveProgress key={campaign.status} campaignId={campaign.id} status={campaign.status} initial={progress} />
        )}
        {stats && <CampaignReport stats={stats} />}
        {campaign.ab_test && <AbTestResults test={campaign.ab_test} live={progress?.ab_test ?? null} report={stats?.ab_test} templateNames={templateNames} />}
        {recipients && (
          <RecipientList
            path={campaignUrl(campaign)}
            page={recipients}
            filters={recipientFilters}
            exportHref={recipientsHref(`${campaignUrl(campaign)}/recipients/export`, recipientFilters, {})}
            variants={campaign.ab_test !== null}
          />
        )}
        <CampaignFacts campaign={campaign} names={names} />
      </div>
    </>
  );
}

function ScheduledNote({ campaign }: { campaign: CampaignWithProgress }) {
  const s = campaign.schedule!;
  return (
    <p className="banner banner--info" data-testid="scheduled-note">
      {s.recipient_timezone
        ? `Scheduled for ${formatWallClock(s.local_time)} in each recipient's time zone (contacts without one: ${s.timezone}); the first go out ${formatDateTime(campaign.scheduled_at!)}.`
        : `Scheduled for ${formatWallClock(s.local_time)} ${s.timezone} (${formatDateTime(campaign.scheduled_at!)}).`}
    </p>
  );
}

function CampaignActions({ campaign, canWrite, canSend }: { campaign: CampaignWithProgress; canWrite: boolean; canSend: boolean }) {
  const { status } = campaign;
  return (
    <>
      {status !== 'draft' && status !== 'scheduled' && <PrintButton />}
      {status === 'draft' && canWrite && (
        <Link to={editUrl(campaign)} className="btn btn--primary btn--md">
          Edit
        </Link>
      )}
      {canSend && (status === 'sending' || status === 'paused' || status === 'scheduled') && (
        <PostForm className="row">
          {status === 'sending' && (
            <SubmitButton intent="pause" variant="secondary" icon="pause">
              Pause
            </SubmitButton>
          )}
          {status === 'paused' && (
            <SubmitButton intent="resume" icon="play">
              Resume
            </SubmitButton>
          )}
          {status === 'scheduled' && (
            <SubmitButton intent="unschedule" variant="secondary" icon="undo">
              Unschedule
            </SubmitButton>
          )}
        </PostForm>
      )}
      {canSend && (status === 'sending' || status === 'paused' || status === 'scheduled') && (
        <ConfirmSubmit trigger={{ label: 'Cancel campaign', icon: 'x-circle', variant: 'danger', size: 'md' }} title={`Cancel “${campaign.name}”?`} confirmLabel="Cancel campaign" fields={{ intent: 'cancel' }}>
          <p>Nothing more is sent, and it cannot be resumed. Messages already sent stay sent. To stop for now, pause it instead.</p>
        </ConfirmSubmit>
      )}
      {status === 'sent' && canWrite && (
        <FormDialog
          trigger={{ label: 'Resend to unopened', icon: 'refresh', variant: 'secondary' }}
          title="Resend to those who did not open"
          description="A new draft goes to the recipients who have not opened this campaign. A new subject gives it a second chance."
          intent="resend-unopened"
          submitLabel="Create follow-up draft"
        >
          {(errors) => (
            <>
              <TextField label="New subject" name="subject" required maxLength={300} defaultValue={campaign.subject ?? ''} error={errors?.fields.subject} />
              <TextField label="Campaign name (optional)" name="name" maxLength={200} placeholder={`${campaign.name} (to unopened)`} error={errors?.fields.name} />
            </>
          )}
        </FormDialog>
      )}
      {canWrite && (
        <PostForm>
          <SubmitButton intent="clone" variant="secondary" icon="copy">
            Clone
          </SubmitButton>
        </PostForm>
      )}
      {canWrite && canDelete(status) && (
        <ConfirmSubmit trigger={{ label: 'Delete', icon: 'trash', variant: 'ghost', size: 'md' }} title={`Delete “${campaign.name}”?`} confirmLabel="Delete campaign" fields={{ intent: 'delete' }}>
          <p>It moves to Recently deleted, where you can restore it for 30 days.</p>
        </ConfirmSubmit>
      )}
    </>
  );
}

function CampaignFacts({ campaign, names }: { campaign: CampaignWithProgress; names: { lists: Record<string, string>; segments: Record<string, string>; templates: Record<string, string>; campaigns: Record<string, string> } }) {
  const audienceText = describeAudience(campaign.audience, {
    lists: new Map(Object.entries(names.lists)),
    segments: new Map(Object.entries(names.segments)),
    campaigns: new Map(Object.entries(names.campaigns)),
  });
  const template = campaign.template_id ? names.templates[campaign.template_id] ?? 'A deleted template' : null;
  return (
    <section className="card stack" aria-labelledby="campaign-facts-title">
      <h2 id="campaign-facts-title" className="section__title">
        Details
      </h2>
      <dl className="facts">
        <dt>Audience</dt>
        <dd>
          {audienceText}
          {campaign.total_recipients !== null && ` (${campaign.total_recipients.toLocaleString('en')} recipients when sending started)`}
        </dd>
        <dt>Template</dt>
        <dd>
          {template ? (
            <>
              <Link to={`/templates/${encodeURIComponent(campaign.template_id!)}`}>{template}</Link>
              {campaign.template_version !== null && ` (version ${campaign.template_version})`}
            </>
          ) : (
            'None chosen'
          )}
        </dd>
        <dt>Subject</dt>
        <dd>{campaign.subject ?? 'The template’s'}</dd>
        <dt>From</dt>
        <dd>
          {campaign.from_name ? `${campaign.from_name} ` : ''}
          {campaign.from_email ? `<${campaign.from_email}>` : '(the workspace’s platform address)'}
        </dd>
        <dt>Reply-to</dt>
        <dd>{campaign.reply_to ?? 'The workspace default'}</dd>
        <dt>Tracking</dt>
        <dd>{[campaign.track_opens ? 'opens' : null, campaign.track_clicks ? 'clicks' : null].filter(Boolean).join(' and ') || 'Off'}</dd>
        {campaign.parent_id && (
          <>
            <dt>Follow-up of</dt>
            <dd>
              <Link to={campaignUrl({ id: campaign.parent_id })}>{names.campaigns[campaign.parent_id] ?? 'the original campaign'}</Link>
            </dd>
          </>
        )}
        {campaign.started_at && (
          <>
            <dt>Started</dt>
            <dd>{formatDateTime(campaign.started_at)}</dd>
          </>
        )}
        {campaign.finished_at && (
          <>
            <dt>Finished</dt>
            <dd>{formatDateTime(campaign.finished_at)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
