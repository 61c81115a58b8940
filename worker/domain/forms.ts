import { eq, inArray } from 'drizzle-orm';
import { html } from 'hono/html';
import type { DB } from '../db/client';
import { jsonValues } from '../db/conditions';
import { forms, lists, tenants, type Form } from '../db/schema';
import type { TenantScope } from '../db/tenant-scope';
import { config, type Env } from '../env';
import { ID_PREFIX, newId } from '../lib/ids';
import { Problem, notFound } from '../lib/problem';
import { auditStatement, type AuditInput } from './audit';
import { captchaFor, STAND_IN_PASS_TOKEN, type CaptchaVerifier } from './captcha';

/** The optional fields a form may ask for besides the email, with what the browser needs to autofill them. */
export const FORM_FIELDS = {
  first_name: { label: 'First name', autocomplete: 'given-name', type: 'text', maxlength: 100 },
  last_name: { label: 'Last name', autocomplete: 'family-name', type: 'text', maxlength: 100 },
  company: { label: 'Company', autocomplete: 'organization', type: 'text', maxlength: 200 },
  phone: { label: 'Phone', autocomplete: 'tel', type: 'tel', maxlength: 40 },
  city: { label: 'City', autocomplete: 'address-level2', type: 'text', maxlength: 100 },
  country: { label: 'Country (two-letter code, e.g. DE)', autocomplete: 'country', type: 'text', maxlength: 2 },
} as const;
export type FormField = keyof typeof FORM_FIELDS;
export const FORM_FIELD_NAMES = Object.keys(FORM_FIELDS) as [FormField, ...FormField[]];

/** The honeypot: a field people never see or fill, so a value in it means a bot filled the form. */
export const HONEYPOT_FIELD = 'website';
/** Cloudflare Turnstile puts its token in this field of the surrounding form. */
export const CAPTCHA_FIELD = 'cf-turnstile-response';

export interface FormInput {
  name: string;
  list_ids: string[];
  fields?: FormField[];
  consent_text: string;
  success_url?: string | null;
  enabled?: boolean;
}

/** What the consent record says was agreed to: the form and the version of its wording. */
export const consentWording = (form: Pick<Form, 'id' | 'consentVersion'>) => `${form.id}@v${form.consentVersion}`;

export const subscribeUrl = (env: Env, formId: string) => `${config(env).PUBLIC_API_URL}/v1/public/forms/${formId}/subscribe`;

/** The form's lists that still exist, in the form's order (a list deleted later simply drops out). */
export async function formLists(scope: TenantScope, listIds: string[]) {
  if (!listIds.length) return [];
  const rows = await scope.db.select({ id: lists.id, name: lists.name, doubleOptIn: lists.doubleOptIn }).from(lists).where(scope.own(lists, inArray(lists.id, jsonValues(listIds)))).all();
  const byId = new Map(rows.map((l) => [l.id, l]));
  return listIds.flatMap((id) => byId.get(id) ?? []);
}

export type FormList = Awaited<ReturnType<typeof formLists>>[number];

/**
 * The snippet a tenant pastes into any website: a plain HTML form (works without JavaScript), every
 * field labelled and autofillable, the honeypot moved off-screen and hidden from assistive technology
 * (not `type=hidden`, which bots skip), and the CAPTCHA: Turnstile's widget in production, the
 * development stand-in's checkbox elsewhere. Every tenant-provided string is HTML-escaped by `html`.
 */
export async function embedHtml(env: Env, form: Form, captcha: CaptchaVerifier = captchaFor(env)) {
  const id = (name: string) => `ep-${form.id}-${name}`;
  const field = (name: FormField) => {
    const f = FORM_FIELDS[name];
    const pattern = name === 'country' ? html` pattern="[A-Za-z]{2}"` : '';
    return html`<p><label for="${id(name)}">${f.label}</label><br>
<input id="${id(name)}" name="${name}" type="${f.type}" autocomplete="${f.autocomplete}" maxlength="${f.maxlength}"${pattern}></p>
`;
  };
  const challenge = captcha.siteKey
    ? html`<div class="cf-turnstile" data-sitekey="${captcha.siteKey}"></div>
<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>`
    : html`<p><label><input type="checkbox" name="${CAPTCHA_FIELD}" value="${STAND_IN_PASS_TOKEN}" required> I'm not a robot (development stand-in)</label></p>`;
  const snippet = await html`<form class="edgepost-form" action="${subscribeUrl(env, form.id)}" method="post" accept-charset="utf-8" aria-label="${form.name}">
<p><label for="${id('email')}">Email address</label><br>
<input id="${id('email')}" name="email" type="email" autocomplete="email" required maxlength="254"></p>
${(form.fields as FormField[]).filter((f) => f in FORM_FIELDS).map(field)}<div aria-hidden="true" style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden">
<label for="${id(HONEYPOT_FIELD)}">Leave this field empty</label>
<input id="${id(HONEYPOT_FIELD)}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<p id="${id('consent')}">${form.consentText}</p>
${challenge}
<p><button type="submit" aria-describedby="${id('consent')}">Subscribe</button></p>
</form>`;
  return snippet.toString();
}

export async function formView(env: Env, form: Form, formListRows: FormList[]) {
  return {
    id: form.id,
    name: form.name,
    list_ids: formListRows.map((l) => l.id),
    fields: form.fields,
    consent_text: form.consentText,
    consent_version: form.consentVersion,
    success_url: form.successUrl,
    enabled: form.enabled,
    double_opt_in: formListRows.some((l) => l.doubleOptIn),
    subscribe_url: subscribeUrl(env, form.id),
    embed_html: await embedHtml(env, form),
    created_at: form.createdAt.toISOString(),
    updated_at: form.updatedAt?.toISOString() ?? null,
  };
}

/** Views of several forms with one lists query between them. */
export async function formViews(env: Env, scope: TenantScope, rows: Form[]) {
  const all = await formLists(scope, [...new Set(rows.flatMap((f) => f.listIds))]);
  const byId = new Map(all.map((l) => [l.id, l]));
  return Promise.all(rows.map((f) => formView(env, f, f.listIds.flatMap((id) => byId.get(id) ?? []))));
}

export const oneFormView = async (env: Env, scope: TenantScope, form: Form) => (await formViews(env, scope, [form]))[0]!;

/** Every list must be one of this tenant's: another tenant's id is as unknown as a made-up one. */
async function checkLists(scope: TenantScope, listIds: string[]) {
  const unique = [...new Set(listIds)];
  const found = new Set((await formLists(scope, unique)).map((l) => l.id));
  const errors = unique.flatMap((id) => (found.has(id) ? [] : [{ field: `list_ids.${listIds.indexOf(id)}`, message: `no list ${id} in this workspace` }]));
  if (errors.length) throw new Problem('validation-error', 'Some lists do not exist in this workspace.', { extensions: { errors } });
  return unique;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Where browsers are sent after subscribing or confirming: an absolute https URL (plain http only to
 * localhost outside production), so a form can never send its visitors to a `javascript:` or `data:` URL.
 */
export function checkSuccessUrl(env: Env, raw: string | null | undefined) {
  if (!raw) return null;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  const localHttp = url?.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname) && config(env).APP_ENV !== 'production';
  if (!url || (url.protocol !== 'https:' && !localHttp) || url.username || url.password) {
    throw new Problem('validation-error', 'success_url must be an absolute https:// URL.', { extensions: { errors: [{ field: 'success_url', message: 'must be an https URL' }] } });
  }
  return url.toString();
}

export async function createForm(env: Env, scope: TenantScope, input: FormInput, actor: AuditInput['actor']) {
  const listIds = await checkLists(scope, input.list_ids);
  const id = newId(ID_PREFIX.form);
  const [[form]] = await scope.db.batch([
    scope.db
      .insert(forms)
      .values({
        id,
        tenantId: scope.tenantId,
        name: input.name,
        listIds,
        fields: [...new Set(input.fields ?? [])],
        consentText: input.consent_text,
        successUrl: checkSuccessUrl(env, input.success_url),
        enabled: input.enabled ?? true,
      })
      .returning(),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'form.created', target: { type: 'form', id } }),
  ]);
  return form!;
}

/** Changing the consent wording starts a new version, so earlier consent records keep saying what they agreed to. */
export async function updateForm(env: Env, scope: TenantScope, id: string, patch: Partial<FormInput>, actor: AuditInput['actor']) {
  const current = await scope.get(forms, id, 'Form');
  const set: Partial<typeof forms.$inferInsert> = { updatedAt: new Date() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.list_ids !== undefined) set.listIds = await checkLists(scope, patch.list_ids);
  if (patch.fields !== undefined) set.fields = [...new Set(patch.fields)];
  if (patch.success_url !== undefined) set.successUrl = checkSuccessUrl(env, patch.success_url);
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  if (patch.consent_text !== undefined && patch.consent_text !== current.consentText) {
    set.consentText = patch.consent_text;
    set.consentVersion = current.consentVersion + 1;
  }
  const [[form]] = await scope.db.batch([
    scope.db.update(forms).set(set).where(scope.own(forms, eq(forms.id, id))).returning(),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'form.updated', target: { type: 'form', id }, metadata: { fields: Object.keys(patch) } }),
  ]);
  if (!form) throw notFound('Form');
  return form;
}

export async function deleteForm(scope: TenantScope, id: string, actor: AuditInput['actor']) {
  await scope.get(forms, id, 'Form');
  await scope.db.batch([
    scope.db.delete(forms).where(scope.own(forms, eq(forms.id, id))),
    auditStatement(scope.db, { tenantId: scope.tenantId, actor, action: 'form.deleted', target: { type: 'form', id } }),
  ]);
}

/**
 * The public side finds a form by its id alone: the id in the embed snippet is what names the tenant.
 * A disabled form, or a workspace that is not active (suspended, closed), answers as if it did not exist.
 */
export async function findPublicForm(db: DB, formId: string) {
  const row = await db
    .select({ form: forms, tenant: { id: tenants.id, name: tenants.name, status: tenants.status, brand: tenants.brand } })
    .from(forms)
    .innerJoin(tenants, eq(tenants.id, forms.tenantId))
    .where(eq(forms.id, formId))
    .get();
  if (!row || !row.form.enabled || row.tenant.status !== 'active') throw notFound('Form');
  return row;
}

export type PublicForm = Awaited<ReturnType<typeof findPublicForm>>;
