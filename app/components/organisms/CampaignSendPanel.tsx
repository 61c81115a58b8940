import { Link, useActionData } from '@remix-run/react';
import type { ActionResult } from '~/lib/action-result';
import type { Campaign, CampaignChecklist } from '~/lib/api-types';
import { editUrl } from '~/lib/campaign-wizard';
import { plural } from '~/lib/format';
import { Checkbox } from '../atoms/Checkbox';
import { Select } from '../atoms/Select';
import { FormAlert } from '../molecules/FormAlert';
import { FormField, TextField } from '../molecules/FormField';
import { PostForm } from '../molecules/PostForm';
import { SubmitButton } from '../molecules/SubmitButton';
import { blockingSummary } from './CampaignChecklistView';
import { ConfirmSubmit } from './ConfirmSubmit';

interface CampaignSendPanelProps {
  campaign: Campaign;
  checklist: CampaignChecklist;
  /** The proposed local time, computed by the loader (the server and the browser must render the same). */
  defaultTime: string;
  timezone: string;
  timeZones: string[];
  canSend: boolean;
}

/** Step 5: send now (after a confirmation that states the recipient count) or schedule. Both wait for the checklist. */
export function CampaignSendPanel({ campaign, checklist, defaultTime, timezone, timeZones, canSend }: CampaignSendPanelProps) {
  const result = useActionData<ActionResult>();
  const scheduleErrors = result && !result.ok && result.intent === 'schedule' ? result.errors : undefined;
  const blocked = blockingSummary(checklist);
  const estimate = checklist.items.find((i) => i.key === 'estimate');
  const recipients = plural(checklist.recipients, 'recipient');
  const disabled = !checklist.ready || !canSend;
  return (
    <div className="stack">
      {blocked && (
        <div className="banner banner--warning" role="status" data-testid="send-blocked">
          <p>{blocked}</p>
          <Link to={editUrl(campaign, 'checklist')} className="btn btn--secondary btn--sm">
            See the checklist
          </Link>
        </div>
      )}
      <div className="send-options">
        <section className="card settings-card" aria-labelledby="send-now-title">
          <h2 id="send-now-title" className="section__title" tabIndex={-1} data-step-heading>
            Send now
          </h2>
          <p>
            Goes to <strong data-testid="send-recipients">{recipients}</strong> as soon as you confirm.
          </p>
          {estimate && <p className="text-muted">{estimate.detail}</p>}
          <div>
            <ConfirmSubmit
              trigger={{ label: 'Send now', icon: 'send', variant: 'primary', size: 'md', disabled }}
              title={`Send “${campaign.name}” now?`}
              confirmLabel={`Send to ${recipients}`}
              fields={{ intent: 'send' }}
            >
              <p>
                It goes to <strong>{recipients}</strong> now. You can pause or cancel it while it sends, but messages already sent cannot be recalled.
              </p>
            </ConfirmSubmit>
          </div>
        </section>
        <section className="card settings-card" aria-labelledby="schedule-title">
          <h2 id="schedule-title" className="section__title">
            Schedule
          </h2>
          <PostForm className="stack" preventScrollReset>
            <FormAlert message={scheduleErrors?.form} />
            <div className="form-grid">
              <TextField label="Date and time" name="local_time" type="datetime-local" required defaultValue={defaultTime} error={scheduleErrors?.fields.local_time} />
              <FormField label="Time zone" error={scheduleErrors?.fields.timezone}>
                {(control) => <Select name="timezone" defaultValue={timezone} options={timeZones.map((tz) => ({ value: tz, label: tz.replaceAll('_', ' ') }))} {...control} />}
              </FormField>
            </div>
            <Checkbox name="recipient_timezone" label="Deliver at this time in each recipient's own time zone (contacts without one get the zone above)" />
            <div>
              <SubmitButton intent="schedule" icon="calendar" variant="secondary" disabled={disabled}>
                Schedule
              </SubmitButton>
            </div>
          </PostForm>
        </section>
      </div>
    </div>
  );
}
