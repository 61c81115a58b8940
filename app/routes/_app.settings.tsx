import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useActionData, useFetcher, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { Button } from '~/components/atoms/Button';
import { Icon } from '~/components/atoms/Icon';
import { Select } from '~/components/atoms/Select';
import { FormAlert } from '~/components/molecules/FormAlert';
import { FormField, PasswordField, TextField } from '~/components/molecules/FormField';
import { PageHeader } from '~/components/molecules/PageHeader';
import { PostForm } from '~/components/molecules/PostForm';
import { SubmitButton } from '~/components/molecules/SubmitButton';
import { JobDownload, JobProgress } from '~/components/organisms/JobProgress';
import { Modal } from '~/components/organisms/Modal';
import { SwitchForm } from '~/components/organisms/SwitchForm';
import { useFetcherDialog } from '~/components/organisms/use-fetcher-dialog';
import type { ActionResult } from '~/lib/action-result';
import { userApi } from '~/lib/api.server';
import type { PostalAddress, TenantSettings } from '~/lib/api-types';
import { clearTokens } from '~/lib/auth-session.server';
import { field, formAction, rawField } from '~/lib/form-action.server';
import { useMe } from '~/lib/me';
import { can } from '~/lib/permissions';
import type { FormErrors } from '~/lib/problem';
import { countryOptions, LANGUAGES, timeZoneOptions } from '~/lib/regions';
import { reply } from '~/lib/respond.server';

// Errors of this page render inside the app layout, so the navigation stays.
export { RouteError as ErrorBoundary } from '~/components/organisms/RouteError';

export const meta: MetaFunction = () => [{ title: 'Workspace settings · Edgepost' }];

/** The list hygiene periods, in months (the API's limits: sunset 0 or 3-60, retention 3-120). */
const HYGIENE_FIELDS = [
  {
    name: 'sunset_after_months',
    label: 'Sunset after (months)',
    min: 0,
    max: 60,
    hint: 'Subscribed contacts who were sent campaigns in this many months but opened or clicked none become inactive, and campaigns leave them out unless you include them (a re-engagement campaign). 0 turns it off; otherwise 3 to 60.',
  },
  {
    name: 'event_retention_months',
    label: 'Keep event data for (months)',
    min: 3,
    max: 120,
    hint: 'Individual sends, deliveries, opens and clicks older than this are deleted. Campaign reports keep their totals and each contact keeps its consent, unsubscribe and bounce history. 3 to 120.',
  },
] as const;

/** What the colour input shows while the workspace has no brand colour (the dashboard's own). */
const DEFAULT_BRAND_COLOR = '#4338ca';

export async function loader(args: LoaderFunctionArgs) {
  const tenant = await userApi(args).get<TenantSettings>('/v1/tenant');
  return reply(args, { tenant, countries: countryOptions(), timeZones: timeZoneOptions(tenant.timezone) });
}

const orNull = (value: string) => (value === '' ? null : value);

/** A months field as typed: blank keeps the stored value; anything else goes to the API, which names what is wrong with it. */
const monthsOf = (form: FormData, name: string, current: number) => {
  const raw = field(form, name);
  return raw === '' ? current : Number(raw);
};

/** The settings as the form submitted them, in the API's shape. */
function submittedSettings(form: FormData, current: TenantSettings) {
  const address = {
    line1: field(form, 'postal_address.line1'),
    line2: orNull(field(form, 'postal_address.line2')),
    city: field(form, 'postal_address.city'),
    region: orNull(field(form, 'postal_address.region')),
    postal_code: field(form, 'postal_address.postal_code'),
    country: field(form, 'postal_address.country'),
  };
  const addressEmpty = Object.values(address).every((v) => !v);
  const color = field(form, 'brand.primary_color').toLowerCase();
  return {
    name: field(form, 'name'),
    country: orNull(field(form, 'country')),
    postal_address: addressEmpty ? null : (address as PostalAddress),
    default_from_name: orNull(field(form, 'default_from_name')),
    default_reply_to: orNull(field(form, 'default_reply_to')),
    timezone: field(form, 'timezone'),
    language: field(form, 'language'),
    brand: {
      logo_url: orNull(field(form, 'brand.logo_url')),
      // An untouched colour input still submits its default: that is no choice of brand colour.
      primary_color: !color || (current.brand.primary_color === null && color === DEFAULT_BRAND_COLOR) ? current.brand.primary_color : color,
      footer_text: orNull(field(form, 'brand.footer_text')),
    },
    ...Object.fromEntries(HYGIENE_FIELDS.map(({ name }) => [name, monthsOf(form, name, current[name])])) as Record<(typeof HYGIENE_FIELDS)[number]['name'], number>,
  };
}

/** Only the fields that differ from the stored settings: the API records which fields changed. */
function changedFields(next: ReturnType<typeof submittedSettings>, current: TenantSettings) {
  const patch: Record<string, unknown> = {};
  const stored = current.postal_address;
  const normalizedAddress = stored && { ...stored, line2: stored.line2 ?? null, region: stored.region ?? null };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of Object.keys(next) as (keyof typeof next)[]) {
    const before = key === 'postal_address' ? normalizedAddress : current[key];
    if (key === 'postal_address' && next.postal_address && normalizedAddress) {
      const a = next.postal_address;
      if (same([a.line1, a.line2, a.city, a.region, a.postal_code, a.country], [normalizedAddress.line1, normalizedAddress.line2, normalizedAddress.city, normalizedAddress.region, normalizedAddress.postal_code, normalizedAddress.country])) continue;
    } else if (key === 'brand') {
      const b = current.brand;
      if (same([next.brand.logo_url, next.brand.primary_color, next.brand.footer_text], [b.logo_url, b.primary_color, b.footer_text])) continue;
    } else if (same(next[key], before)) continue;
    patch[key] = next[key];
  }
  return patch;
}

export async function action(args: ActionFunctionArgs) {
  const api = userApi(args);
  return formAction<{ jobId?: string }>(args, async (form, intent) => {
    switch (intent) {
      case 'save': {
        const current = await api.get<TenantSettings>('/v1/tenant');
        const patch = changedFields(submittedSettings(form, current), current);
        if (Object.keys(patch).length === 0) return { toast: 'Nothing to save: no setting was changed.' };
        await api.patch('/v1/tenant', patch);
        return { toast: 'Workspace settings saved.' };
      }
      case 'require-2fa': {
        const on = form.get('require_2fa') === 'on';
        await api.patch('/v1/tenant', { require_2fa: on });
        return { toast: on ? 'Every member now needs two-factor authentication.' : 'Two-factor authentication is no longer required.' };
      }
      case 'export': {
        const { job_id } = await api.post<{ job_id: string }>('/v1/tenant/export');
        return { toast: 'Your export has started. We also email you the link when it is ready.', data: { jobId: job_id } };
      }
      case 'close': {
        await api.post('/v1/tenant/close', { confirm: field(form, 'confirm'), password: rawField(form, 'password') });
        await clearTokens(args);
        return { toast: 'The workspace is closed and you are signed out.', redirectTo: '/account-closed' };
      }
      default:
        throw new Response(`Unknown intent ${intent}`, { status: 400 });
    }
  });
}

export default function Settings() {
  const { tenant } = useLoaderData<typeof loader>();
  const me = useMe();
  const canEdit = can(me, 'tenant:write');
  return (
    <>
      <PageHeader
        title="Workspace settings"
        description={`Organisation details, sending defaults and branding of ${tenant.name}.`}
        breadcrumb={[{ label: 'Workspace', to: '/' }]}
      />
      {!canEdit && (
        <div className="banner banner--info" role="note">
          <Icon name="lock" />
          <p>Only owners can change these settings. You can see them; ask an owner of {tenant.name} to change them.</p>
        </div>
      )}
      <div className="settings-sections">
        <SettingsForm canEdit={canEdit} />
        <SecuritySettings requireTwoFactor={tenant.require_2fa} canEdit={canEdit} />
        {canEdit && <DangerZone slug={tenant.slug} name={tenant.name} />}
      </div>
    </>
  );
}

function SettingsForm({ canEdit }: { canEdit: boolean }) {
  const { tenant, countries, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: FormErrors | undefined = result && !result.ok && result.intent === 'save' ? result.errors : undefined;
  const e = (name: string) => errors?.fields[name];
  const address = tenant.postal_address;
  const countrySelect = (name: string, value: string | null, label: string, required: boolean, hint?: string) => (
    <FormField label={label} error={e(name)} hint={hint}>
      {(control) => (
        <Select
          name={name}
          defaultValue={value ?? ''}
          required={required}
          options={[{ value: '', label: required ? 'Choose a country' : 'Not set' }, ...countries]}
          {...control}
        />
      )}
    </FormField>
  );
  return (
    <PostForm className="settings-sections" preventScrollReset>
      <fieldset className="fieldset-reset" disabled={!canEdit}>
        <div className="settings-sections">
          <FormAlert message={errors?.form} />
          <section className="card settings-card" aria-labelledby="organisation-title">
            <div className="settings-card__header">
              <h2 id="organisation-title" className="section__title">
                Organisation
              </h2>
              <p className="text-muted">The sender of your campaigns, as recipients and the law see it.</p>
            </div>
            <div className="form-grid">
              <TextField label="Workspace name" name="name" required minLength={2} maxLength={100} defaultValue={tenant.name} error={e('name')} />
              {countrySelect('country', tenant.country, 'Country of the organisation', false)}
            </div>
            <fieldset className="fieldset">
              <legend className="settings-card__subtitle">Postal address</legend>
              <p className="text-muted legend-hint">
                Required before you can send any campaign: anti-spam laws (CAN-SPAM in the US, GDPR and ePrivacy rules in the EU) require a valid
                physical postal address in the footer of every marketing email.
              </p>
              <div className="form-grid">
                <TextField label="Address line 1" name="postal_address.line1" autoComplete="address-line1" maxLength={200} defaultValue={address?.line1 ?? ''} error={e('postal_address.line1')} />
                <TextField label="Address line 2 (optional)" name="postal_address.line2" autoComplete="address-line2" maxLength={200} defaultValue={address?.line2 ?? ''} error={e('postal_address.line2')} />
                <TextField label="City" name="postal_address.city" autoComplete="address-level2" maxLength={100} defaultValue={address?.city ?? ''} error={e('postal_address.city')} />
                <TextField label="State or region (optional)" name="postal_address.region" autoComplete="address-level1" maxLength={100} defaultValue={address?.region ?? ''} error={e('postal_address.region')} />
                <TextField label="Postal code" name="postal_address.postal_code" autoComplete="postal-code" maxLength={20} defaultValue={address?.postal_code ?? ''} error={e('postal_address.postal_code')} />
                {countrySelect('postal_address.country', address?.country ?? null, 'Country', false)}
              </div>
            </fieldset>
          </section>

          <section className="card settings-card" aria-labelledby="defaults-title">
            <div className="settings-card__header">
              <h2 id="defaults-title" className="section__title">
                Sending defaults
              </h2>
              <p className="text-muted">Filled in for every new campaign; each campaign can change them.</p>
            </div>
            <div className="form-grid">
              <TextField label="Default sender name" name="default_from_name" maxLength={100} placeholder="e.g. Acme Newsletter" defaultValue={tenant.default_from_name ?? ''} error={e('default_from_name')} />
              <TextField label="Default reply-to address" name="default_reply_to" type="email" placeholder="e.g. hello@acme.example" defaultValue={tenant.default_reply_to ?? ''} error={e('default_reply_to')} />
              <FormField label="Time zone" hint="For scheduling and reports." error={e('timezone')}>
                {(control) => <Select name="timezone" defaultValue={tenant.timezone} options={timeZones.map((tz) => ({ value: tz, label: tz.replaceAll('_', ' ') }))} {...control} />}
              </FormField>
              <FormField label="Language" hint="Of unsubscribe pages and system texts your recipients see." error={e('language')}>
                {(control) => <Select name="language" defaultValue={tenant.language} options={LANGUAGES} {...control} />}
              </FormField>
            </div>
          </section>

          <section className="card settings-card" aria-labelledby="brand-title">
            <div className="settings-card__header">
              <h2 id="brand-title" className="section__title">
                Brand
              </h2>
              <p className="text-muted">Used in templates, on subscription and unsubscribe pages.</p>
            </div>
            <div className="form-grid">
              <TextField label="Logo URL" name="brand.logo_url" type="url" placeholder="https://…" hint="An https address of a PNG or SVG." defaultValue={tenant.brand.logo_url ?? ''} error={e('brand.logo_url')} />
              <FormField label="Brand colour" error={e('brand.primary_color')}>
                {(control) => <input type="color" className="input input--color" name="brand.primary_color" defaultValue={tenant.brand.primary_color ?? DEFAULT_BRAND_COLOR} {...control} />}
              </FormField>
            </div>
            <FormField label="Footer text" hint="Shown at the bottom of your emails, above the postal address." error={e('brand.footer_text')}>
              {(control) => <textarea className="input textarea" name="brand.footer_text" maxLength={500} rows={3} defaultValue={tenant.brand.footer_text ?? ''} {...control} />}
            </FormField>
          </section>
          <section className="card settings-card" aria-labelledby="hygiene-title">
            <div className="settings-card__header">
              <h2 id="hygiene-title" className="section__title">
                List hygiene
              </h2>
              <p className="text-muted">Mailing people who never engage hurts where your mail lands; old per-event data is pruned.</p>
            </div>
            <div className="form-grid">
              {HYGIENE_FIELDS.map(({ name, label, min, max, hint }) => (
                <TextField key={name} label={label} name={name} type="number" inputMode="numeric" min={min} max={max} step={1} required defaultValue={tenant[name]} hint={hint} error={e(name)} />
              ))}
            </div>
          </section>
          {canEdit && (
            <div className="settings-actions">
              <SubmitButton intent="save">Save settings</SubmitButton>
            </div>
          )}
        </div>
      </fieldset>
    </PostForm>
  );
}

function SecuritySettings({ requireTwoFactor, canEdit }: { requireTwoFactor: boolean; canEdit: boolean }) {
  return (
    <section className="card settings-card" aria-labelledby="security-title">
      <div className="settings-card__header">
        <h2 id="security-title" className="section__title">
          Security
        </h2>
        <p className="text-muted">Members without two-factor authentication can then only enrol until they have turned it on.</p>
      </div>
      <SwitchForm intent="require-2fa" name="require_2fa" checked={requireTwoFactor} disabled={!canEdit} label="Require two-factor authentication for every member" />
    </section>
  );
}

function DangerZone({ slug, name }: { slug: string; name: string }) {
  return (
    <section className="card settings-card danger-zone" aria-labelledby="danger-title">
      <div className="settings-card__header">
        <h2 id="danger-title" className="section__title">
          Danger zone
        </h2>
      </div>
      <ExportData />
      <div className="danger-zone__item">
        <div>
          <h3 className="settings-card__subtitle">Close account</h3>
          <p className="text-muted">
            {name} is disabled at once and deleted with all its data after 30 days. Export your data first if you need it.
          </p>
        </div>
        <CloseAccountDialog slug={slug} name={name} />
      </div>
    </section>
  );
}

function ExportData() {
  const start = useFetcher<ActionResult<{ jobId?: string }>>();
  const jobId = start.data?.ok ? start.data.data?.jobId : undefined;
  const [finishedId, setFinishedId] = useState<string | null>(null);
  return (
    <div className="danger-zone__item">
      <div>
        <h3 className="settings-card__subtitle">Export all data</h3>
        <p className="text-muted">A ZIP file with contacts, campaigns, templates and settings. The link works for 7 days; we email it to you too.</p>
        {jobId && (
          <JobProgress jobId={jobId} label="Workspace export" details={(job) => <JobDownload job={job} label="Download the export" />} onFinished={(job) => setFinishedId(job.id)} />
        )}
      </div>
      <PostForm fetcher={start} preventScrollReset>
        <SubmitButton intent="export" variant="secondary" icon="download" busy={start.state !== 'idle' || (Boolean(jobId) && finishedId !== jobId)}>
          Export all data
        </SubmitButton>
      </PostForm>
    </div>
  );
}

function CloseAccountDialog({ slug, name }: { slug: string; name: string }) {
  const dialog = useFetcherDialog();
  const [typed, setTyped] = useState('');
  return (
    <>
      <Button
        variant="danger"
        onClick={() => {
          setTyped('');
          dialog.show();
        }}
      >
        Close account
      </Button>
      <Modal open={dialog.open} onClose={dialog.hide} title={`Close ${name}?`} description="Everyone loses access at once, sending stops, and after 30 days all data is deleted for good. Support can restore the workspace until then.">
        <PostForm fetcher={dialog.fetcher} className="modal__form">
          <div className="modal__body">
            <FormAlert message={dialog.errors?.form} />
            <TextField
              label={`Type the workspace identifier “${slug}” to confirm`}
              name="confirm"
              autoComplete="off"
              autoCapitalize="off"
              spellCheck={false}
              required
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              error={dialog.errors?.fields.confirm}
              data-autofocus
            />
            <PasswordField kind="current" label="Your password" error={dialog.errors?.fields.password} />
          </div>
          <div className="modal__footer">
            <Button onClick={dialog.hide}>Cancel</Button>
            <SubmitButton intent="close" variant="danger" busy={dialog.busy} disabled={typed.trim() !== slug}>
              Close account
            </SubmitButton>
          </div>
        </PostForm>
      </Modal>
    </>
  );
}
