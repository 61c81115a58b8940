import type { KillSwitchStatus } from '~/lib/api-types';
import { formatDateTime } from '~/lib/format';
import { FormField } from '../molecules/FormField';
import { Verdict } from '../molecules/Verdict';
import { ConfirmSubmit } from './ConfirmSubmit';
import { FormDialog } from './FormDialog';

/**
 * The global kill switch: engaging it stops all sending on the platform within seconds, so the
 * dialog asks for the reason (kept in the audit log) before its button does anything.
 */
export function KillSwitchCard({ status }: { status: KillSwitchStatus }) {
  const g = status.global;
  return (
    <section className={g.engaged ? 'card settings-card danger-zone' : 'card settings-card'} aria-labelledby="kill-switch-title" data-testid="kill-switch" data-engaged={g.engaged}>
      <div className="settings-card__header">
        <h2 id="kill-switch-title" className="section__title">
          Global kill switch
        </h2>
        <p>
          {g.engaged ? (
            <Verdict tone="bad">
              All sending is stopped{g.at ? ` since ${formatDateTime(g.at)}` : ''}: {g.reason ?? 'no reason given'}
            </Verdict>
          ) : (
            <Verdict tone="good">Sending runs normally</Verdict>
          )}
        </p>
        <p className="text-muted">
          {g.engaged
            ? 'Releasing it lets every campaign continue where it stopped: nothing is lost and nothing is sent twice.'
            : 'Stops all sending on the platform within seconds, every tenant and every transport. Campaigns wait and continue when it is released.'}
        </p>
      </div>
      <div className="row">
        {g.engaged ? (
          <ConfirmSubmit trigger={{ label: 'Release the kill switch', icon: 'play', variant: 'primary', size: 'md' }} title="Release the kill switch?" confirmLabel="Resume all sending" fields={{ intent: 'kill-release' }}>
            <p>Sending resumes on the whole platform, and paused campaigns continue at once.</p>
          </ConfirmSubmit>
        ) : (
          <FormDialog
            trigger={{ label: 'Stop all sending', icon: 'power', variant: 'danger' }}
            title="Stop all sending on the platform?"
            description="Every tenant's sending stops within seconds, until someone releases the switch."
            intent="kill-engage"
            submitLabel="Stop all sending"
            destructive
          >
            {(errors) => (
              <FormField label="Reason (required)" hint="At least 3 characters. It is kept in the audit log and shown here while the switch is on." error={errors?.fields.reason}>
                {(control) => <textarea className="input textarea" name="reason" required minLength={3} maxLength={500} rows={3} {...control} />}
              </FormField>
            )}
          </FormDialog>
        )}
      </div>
    </section>
  );
}
