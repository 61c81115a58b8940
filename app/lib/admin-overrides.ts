import type { LimitOverrides, TenantLimits } from './api-types';

/** The limits a super-admin can override, with the words the form uses. */
export const OVERRIDABLE: { key: Exclude<keyof LimitOverrides, 'warmup_complete'>; label: string }[] = [
  { key: 'max_contacts', label: 'Contacts' },
  { key: 'monthly_emails', label: 'Emails per month' },
  { key: 'daily_emails', label: 'Emails per day' },
  { key: 'send_rate_per_hour', label: 'Sending rate per hour' },
  { key: 'max_users', label: 'Users' },
  { key: 'max_domains', label: 'Sending domains' },
  { key: 'api_rate_per_minute', label: 'API requests per minute' },
];

export const overrideField = (key: string) => `override.${key}`;

/**
 * The overrides form as the API's body, which replaces the stored overrides whole: a blank field
 * follows the plan; the warm-up switch travels with them, since leaving it out would undo it.
 * Numbers that are not whole numbers are sent as typed, for the API to name.
 */
export function overridesFromForm(form: FormData): LimitOverrides {
  const out: Record<string, number | boolean> = {};
  for (const { key } of OVERRIDABLE) {
    const raw = String(form.get(overrideField(key)) ?? '').replace(/[\s,_]/g, '');
    if (raw !== '') out[key] = Number(raw);
  }
  if (form.get(overrideField('warmup_complete')) === 'on') out.warmup_complete = true;
  return out as LimitOverrides;
}

/** Whether a limit shown comes from an override rather than the plan. */
export const isOverridden = (limits: Pick<TenantLimits, 'overrides'>, key: keyof LimitOverrides) => limits.overrides[key] !== undefined;
