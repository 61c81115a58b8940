import { useState } from 'react';
import type { Campaign, DomainList, TemplateSummary, TenantSettings } from '~/lib/api-types';
import { abDraft } from '~/lib/campaign-form';
import { Select } from '../atoms/Select';
import { Switch } from '../atoms/Switch';
import { FormField, TextField } from '../molecules/FormField';
import { AbTestFields } from './AbTestFields';
import { CampaignStepForm, useStepErrors } from './CampaignStepForm';

interface CampaignSettingsFormProps {
  campaign: Campaign;
  domains: DomainList;
  tenant: Pick<TenantSettings, 'default_from_name' | 'default_reply_to' | 'name'>;
  templates: TemplateSummary[];
  canWrite: boolean;
}

/** The campaign's From as a chosen verified domain plus a local part, or the platform address. */
function fromParts(fromEmail: string | null, verified: string[]) {
  const at = fromEmail?.lastIndexOf('@') ?? -1;
  if (!fromEmail || at < 0) return { domain: '', local: '' };
  const domain = fromEmail.slice(at + 1);
  return verified.includes(domain) ? { domain, local: fromEmail.slice(0, at) } : { domain: '', local: '' };
}

/** Step 3: sender, reply-to, tracking and the A/B test. */
export function CampaignSettingsForm({ campaign, domains, tenant, templates, canWrite }: CampaignSettingsFormProps) {
  const errors = useStepErrors();
  const verified = domains.data.filter((d) => d.status === 'verified').map((d) => d.domain);
  const initial = fromParts(campaign.from_email, verified);
  const [fromDomain, setFromDomain] = useState(initial.domain);
  return (
    <CampaignStepForm step="settings" title="Settings" description="Who the email comes from, where replies go, what is tracked, and an optional A/B test." canWrite={canWrite} errors={errors}>
      <fieldset className="fieldset-reset stack">
        <legend className="section__title">Sender</legend>
        <div className="form-grid">
          <TextField
            label="From name"
            name="from_name"
            maxLength={100}
            defaultValue={campaign.from_name ?? ''}
            placeholder={tenant.default_from_name ?? tenant.name}
            hint="Empty: the template's sender name, else the workspace default."
            error={errors?.fields.from_name}
          />
          <FormField
            label="Send from"
            hint={verified.length ? 'Your verified domains, or the platform address.' : 'Verify a domain of your own under Domains to send from it.'}
          >
            {(control) => (
              <Select
                name="from_domain"
                value={fromDomain}
                onChange={(event) => setFromDomain(event.currentTarget.value)}
                options={[{ value: '', label: `Platform address (${domains.platform.from_email})` }, ...verified.map((d) => ({ value: d, label: `An address at ${d}` }))]}
                {...control}
              />
            )}
          </FormField>
          {fromDomain && (
            <TextField
              label={`Address at ${fromDomain}`}
              name="from_local"
              required
              maxLength={64}
              defaultValue={initial.local}
              placeholder="news"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              hint={`The part before @${fromDomain}.`}
              error={errors?.fields.from_email}
            />
          )}
          <TextField
            label="Reply-to (optional)"
            name="reply_to"
            type="email"
            maxLength={254}
            defaultValue={campaign.reply_to ?? ''}
            placeholder={tenant.default_reply_to ?? undefined}
            hint="Empty: the workspace's default reply-to address."
            error={errors?.fields.reply_to}
          />
        </div>
      </fieldset>
      <fieldset className="fieldset-reset stack">
        <legend className="section__title">Tracking</legend>
        <Switch name="track_opens" label="Track opens (a tiny image in the email)" defaultChecked={campaign.track_opens} />
        <Switch name="track_clicks" label="Track clicks (links go through Edgepost)" defaultChecked={campaign.track_clicks} />
      </fieldset>
      <AbTestFields initial={abDraft(campaign.ab_test)} templates={templates} errors={errors} />
    </CampaignStepForm>
  );
}
