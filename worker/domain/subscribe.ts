import { eq, gt, inArray } from 'drizzle-orm';
import { getDb } from '../db/client';
import { contactEvents, contacts, forms, listMembers, tenants, type Consent, type Contact } from '../db/schema';
import { tenantScope, type TenantScope } from '../db/tenant-scope';
import { config, type Env } from '../env';
import { sha256Hex } from '../lib/crypto';
import { resolverFor } from '../lib/dns';
import { ID_PREFIX, newId } from '../lib/ids';
import { log } from '../lib/log';
import { Problem } from '../lib/problem';
import type { PageBrand } from '../lib/public-page';
import { signToken, verifyToken } from '../lib/signed-tokens';
import { auditStatement } from './audit';
import { assertCaptcha } from './captcha';
import { contactEventStatements, type ContactEventInput } from './contact-events';
import { contactUsage, warnNearContactLimit, type ContactUsage } from './contact-usage';
import type { EmailVerdict } from './email-validation';
import { acceptEmail, insertContactStatement } from './contacts';
import { consentWording, formLists, type FormField, type FormList, type PublicForm } from './forms';
import { notify } from './notifications';
import { assertWithinRate, takeToken } from './rate-limit';
import { findSuppression } from './suppressions';
import { sendSystemEmail } from './system-mail';

/**
 * Per visitor IP (across the workspace's forms): a person subscribes once, a household or office a few
 * times. Per form: a ceiling on what a botnet of many IPs can make us send in confirmation emails.
 */
export const SUBSCRIBE_LIMITS = {
  perIp: { capacity: 10, windowSeconds: 600 },
  perForm: { capacity: 120, windowSeconds: 60 },
} as const;
export const CONFIRM_LINK_TTL_MS = 7 * 24 * 3600_000;
/** One confirmation email per address per 10 minutes, however often the form is submitted with it. */
const CONFIRMATION_RESEND_GAP_MS = 10 * 60_000;

const ANONYMOUS = { type: 'anonymous' as const, id: null };

export interface SubscribeRequest {
  email: string;
  fields: Partial<Record<FormField, string>>;
  honeypot?: string;
  captchaToken?: string;
  ip: string | null;
}

/** The visitor's answer depends on the form alone, never on what is already known about the address. */
export type SubscribeAnswer = { status: 'pending' | 'subscribed' };

/** What happened, for the log only: the visitor gets the same answer in every case. */
type Outcome = 'created' | 'updated' | 'unchanged' | 'honeypot' | 'suppressed' | 'undeliverable' | 'deleted' | 'contact_limit' | 'raced';

interface ConfirmClaims {
  p: 'form-confirm';
  t: string;
  c: string;
  f: string;
  /** The lists waiting for this confirmation. */
  l: string[];
  /** The consent wording version the person saw when subscribing. */
  w: string;
  exp: number;
}

/**
 * A public form submission. Creates or updates nothing when the visitor is a bot (honeypot), the
 * address is suppressed, bounced or complained, the contact is deleted, or the plan is full; a
 * suppressed address is never re-subscribed. New addresses, and anyone who unsubscribed before,
 * must confirm by email before a double opt-in list (or, for a returning unsubscriber, any list)
 * counts them.
 */
export async function subscribe(env: Env, { form, tenant }: PublicForm, req: SubscribeRequest): Promise<SubscribeAnswer> {
  const scope = tenantScope(getDb(env), tenant.id);
  // The visitor's own bucket first, so one abuser's refused attempts do not use up the form's.
  await assertWithinRate(
    env,
    tenant.id,
    [
      ...(req.ip ? [{ name: `subscribe-ip:${(await sha256Hex(req.ip)).slice(0, 32)}`, spec: SUBSCRIBE_LIMITS.perIp }] : []),
      { name: `subscribe-form:${form.id}`, spec: SUBSCRIBE_LIMITS.perForm },
    ],
    'sign-up attempts',
  );
  const lists = await formLists(scope, form.listIds);
  const answer: SubscribeAnswer = { status: lists.some((l) => l.doubleOptIn) ? 'pending' : 'subscribed' };
  const done = (outcome: Outcome) => {
    log('info', 'form_subscribe', { tenant_id: tenant.id, form_id: form.id, outcome }, env.LOG_LEVEL);
    return answer;
  };
  if (req.honeypot) return done('honeypot');
  await assertCaptcha(env, req.captchaToken, req.ip);
  const verdict = await acceptEmail(req.email, resolverFor(env));
  if (verdict.disposable) {
    throw new Problem('validation-error', 'Disposable (throwaway) addresses cannot subscribe. Use an address you keep.', { extensions: { errors: [{ field: 'email', message: 'disposable address' }] } });
  }
  return done(await enrol(env, scope, { form, tenant }, lists, verdict, req));
}

async function enrol(env: Env, scope: TenantScope, pf: PublicForm, lists: FormList[], verdict: EmailVerdict, req: SubscribeRequest): Promise<Outcome> {
  if (await findSuppression(scope, verdict.email)) return 'suppressed';
  const existing = await scope.db.select().from(contacts).where(scope.own(contacts, eq(contacts.email, verdict.email))).get();
  if (!existing) return createSubscriber(env, scope, pf, lists, verdict, req);
  if (existing.deletedAt) return 'deleted';
  if (existing.status === 'bounced' || existing.status === 'complained') return 'undeliverable';
  return resubscribe(env, scope, pf, lists, existing, req);
}

/** Events of one change, 1 ms apart so the timeline shows them in the order they happened. */
const inOrder = (events: ContactEventInput[], start: Date) => events.map((e, i) => ({ ...e, at: new Date(start.getTime() + i) }));

const consentOf = (pf: PublicForm, ip: string | null, at: Date): Consent => ({ source: `form:${pf.form.id}`, at: at.toISOString(), ip, wording_version: consentWording(pf.form) });

/** The timeline's record of a submission: which form and wording, from where, for which lists. */
const subscribedEvent = (contactId: string, pf: PublicForm, listIds: string[], ip: string | null): ContactEventInput => ({
  contactId,
  type: 'subscribed',
  data: { form_id: pf.form.id, list_ids: listIds, wording_version: consentWording(pf.form), ip },
});

async function createSubscriber(env: Env, scope: TenantScope, pf: PublicForm, lists: FormList[], verdict: EmailVerdict, req: SubscribeRequest): Promise<Outcome> {
  const usage = await contactUsage(scope);
  if (usage.used + 1 > usage.limit) {
    await noticeFullPlan(env, scope, usage);
    return 'contact_limit';
  }
  const id = newId(ID_PREFIX.contact);
  const now = new Date();
  const pending = lists.filter((l) => l.doubleOptIn).map((l) => l.id);
  const events: ContactEventInput[] = [
    { contactId: id, type: 'created', data: { consent_source: `form:${pf.form.id}` } },
    subscribedEvent(id, pf, lists.map((l) => l.id), req.ip),
  ];
  if (pending.length) events.push({ contactId: id, type: 'confirmation_sent', data: { form_id: pf.form.id, list_ids: pending } });
  try {
    await scope.db.batch([
      insertContactStatement(scope, id, verdict, { ...req.fields, status: pending.length ? 'pending' : 'subscribed', consent: consentOf(pf, req.ip, now) }),
      ...(lists.length ? [scope.db.insert(listMembers).values(lists.map((l) => ({ tenantId: scope.tenantId, listId: l.id, contactId: id, status: l.doubleOptIn ? ('pending' as const) : ('subscribed' as const) })))] : []),
      auditStatement(scope.db, { tenantId: scope.tenantId, actor: ANONYMOUS, action: 'contact.created', target: { type: 'contact', id }, ip: req.ip, metadata: { form_id: pf.form.id } }),
      ...contactEventStatements(scope, inOrder(events, now)),
    ]);
  } catch (err) {
    // The same address submitted twice at once (a double click): the first request does the work.
    const winner = await scope.db.select({ id: contacts.id }).from(contacts).where(scope.own(contacts, eq(contacts.email, verdict.email))).get();
    if (winner) return 'raced';
    throw err;
  }
  if (pending.length) await sendConfirmation(env, pf, id, verdict.email, pending);
  await warnNearContactLimit(env, scope, usage, 1);
  return 'created';
}

/**
 * An address already known. Its details are left alone (an unauthenticated form must not rewrite
 * someone's data). A list the person left, or any list for someone who unsubscribed altogether or was
 * cleaned, waits for the confirmation link: re-subscribing needs fresh, provable consent.
 */
async function resubscribe(env: Env, scope: TenantScope, pf: PublicForm, lists: FormList[], contact: Contact, req: SubscribeRequest): Promise<Outcome> {
  const returning = contact.status === 'unsubscribed' || contact.status === 'cleaned';
  const current = new Map(
    lists.length
      ? (await scope.db.select({ listId: listMembers.listId, status: listMembers.status }).from(listMembers).where(scope.own(listMembers, eq(listMembers.contactId, contact.id), inArray(listMembers.listId, lists.map((l) => l.id)))).all()).map((m) => [m.listId, m.status])
      : [],
  );
  const changes = lists.flatMap((l) => {
    const now = current.get(l.id);
    if (now === 'subscribed') return [];
    const target = l.doubleOptIn || returning || now === 'unsubscribed' ? ('pending' as const) : ('subscribed' as const);
    return now === target ? [] : [{ listId: l.id, to: target }];
  });
  const pending = lists.filter((l) => current.get(l.id) === 'pending' || changes.some((c) => c.listId === l.id && c.to === 'pending')).map((l) => l.id);
  // A contact that never confirmed becomes subscribed by a single opt-in form, as a new address would.
  const activate = contact.status === 'pending' && !pending.length && lists.length > 0;
  // Resent at most every few minutes (no mail-bombing through the form), but always for a list newly waiting.
  const send = pending.length > 0 && (changes.some((c) => c.to === 'pending') || !(await confirmationSentRecently(scope, contact.id)));
  if (!changes.length && !activate && !send) return 'unchanged';

  const now = new Date();
  const events: ContactEventInput[] = [];
  if (changes.length || activate) events.push(subscribedEvent(contact.id, pf, changes.map((c) => c.listId), req.ip));
  if (send) events.push({ contactId: contact.id, type: 'confirmation_sent', data: { form_id: pf.form.id, list_ids: pending } });
  await scope.db.batch([
    auditStatement(scope.db, { tenantId: scope.tenantId, actor: ANONYMOUS, action: 'contact.subscribed', target: { type: 'contact', id: contact.id }, ip: req.ip, metadata: { form_id: pf.form.id } }),
    ...changes.map((c) =>
      scope.db
        .insert(listMembers)
        .values({ tenantId: scope.tenantId, listId: c.listId, contactId: contact.id, status: c.to })
        .onConflictDoUpdate({ target: [listMembers.listId, listMembers.contactId], set: { status: c.to } }),
    ),
    ...(activate ? [scope.db.update(contacts).set({ status: 'subscribed', consent: consentOf(pf, req.ip, now), updatedAt: now }).where(scope.own(contacts, eq(contacts.id, contact.id)))] : []),
    ...contactEventStatements(scope, inOrder(events, now)),
  ]);
  if (send) await sendConfirmation(env, pf, contact.id, contact.email, pending);
  return 'updated';
}

/** A full plan refuses every sign-up: the managers hear about it at most once a day, not once per visitor. */
async function noticeFullPlan(env: Env, scope: TenantScope, usage: ContactUsage) {
  if (!(await takeToken(env, scope.tenantId, { name: 'notice:forms-at-contact-limit', spec: { capacity: 1, windowSeconds: 24 * 3600 } })).allowed) return;
  await notify(env, scope.db, { tenantId: scope.tenantId, kind: 'contact_limit_warning', data: { percent: 100, used: usage.used, limit: usage.limit, plan: usage.plan } });
}

async function confirmationSentRecently(scope: TenantScope, contactId: string) {
  const since = new Date(Date.now() - CONFIRMATION_RESEND_GAP_MS);
  const hit = await scope.db
    .select({ id: contactEvents.id })
    .from(contactEvents)
    .where(scope.own(contactEvents, eq(contactEvents.contactId, contactId), eq(contactEvents.type, 'confirmation_sent'), gt(contactEvents.createdAt, since)))
    .get();
  return Boolean(hit);
}

async function sendConfirmation(env: Env, { form, tenant }: PublicForm, contactId: string, email: string, listIds: string[]) {
  const cfg = config(env);
  const claims: ConfirmClaims = { p: 'form-confirm', t: tenant.id, c: contactId, f: form.id, l: listIds, w: consentWording(form), exp: Date.now() + CONFIRM_LINK_TTL_MS };
  const url = `${cfg.PUBLIC_API_URL}/v1/public/confirm?token=${await signToken(cfg.TOKEN_SIGNING_KEYS, claims)}`;
  // A workspace name is free text: folded onto one line before it reaches a mail header.
  const name = tenant.name.replace(/\s+/g, ' ').trim();
  await sendSystemEmail(env, {
    to: email,
    subject: `Confirm your subscription to ${name}`,
    paragraphs: [
      `Someone, hopefully you, asked to subscribe this address to emails from ${name}.`,
      'Confirm with the button below; the link works for 7 days. If it was not you, ignore this email: nothing will be sent to you.',
    ],
    action: { label: 'Confirm subscription', url },
  });
}

export type ConfirmResult =
  | { outcome: 'confirmed'; owner: PageBrand; successUrl: string | null }
  | { outcome: 'expired' | 'refused'; owner: PageBrand }
  | { outcome: 'invalid'; owner: PageBrand | null };

type TokenCheck = Exclude<ConfirmResult, { outcome: 'confirmed' }> | { outcome: 'valid'; owner: PageBrand; claims: ConfirmClaims; scope: TenantScope; contact: Contact };

/** What a confirmation link is worth right now, without changing anything. */
async function checkConfirmToken(env: Env, token: string | undefined): Promise<TokenCheck> {
  const claims = token ? await verifyToken<ConfirmClaims>(config(env).TOKEN_SIGNING_KEYS, token) : null;
  if (claims?.p !== 'form-confirm' || !Array.isArray(claims.l)) return { outcome: 'invalid', owner: null };
  const db = getDb(env);
  const tenant = await db.select({ name: tenants.name, status: tenants.status, brand: tenants.brand }).from(tenants).where(eq(tenants.id, claims.t)).get();
  if (!tenant || tenant.status !== 'active') return { outcome: 'invalid', owner: null };
  const owner = { name: tenant.name, brand: tenant.brand };
  if (claims.exp < Date.now()) return { outcome: 'expired', owner };
  const scope = tenantScope(db, claims.t);
  const contact = await scope.find(contacts, claims.c);
  if (!contact || contact.deletedAt) return { outcome: 'invalid', owner };
  if (contact.status === 'bounced' || contact.status === 'complained' || (await findSuppression(scope, contact.email))) return { outcome: 'refused', owner };
  return { outcome: 'valid', owner, claims, scope, contact };
}

/**
 * Opening the link only asks (the page has a button that posts): mail scanners and link previews
 * fetch every URL in a message, and a GET that confirmed would subscribe people who never clicked.
 */
export async function previewConfirmation(env: Env, token: string | undefined) {
  const check = await checkConfirmToken(env, token);
  return check.outcome === 'valid' ? { outcome: 'ready' as const, owner: check.owner } : check;
}

/**
 * The button on the confirmation page. Idempotent: a second post finds nothing pending, changes
 * nothing and answers `confirmed` again. A tampered link is `invalid`, an old one `expired`; an address
 * that was suppressed, bounced or complained in the meantime is `refused`, not subscribed.
 */
export async function confirmSubscription(env: Env, token: string | undefined, ip: string | null): Promise<ConfirmResult> {
  const check = await checkConfirmToken(env, token);
  if (check.outcome !== 'valid') return check;
  const { owner, claims, scope, contact } = check;
  const waiting = claims.l.length
    ? await scope.db.select({ listId: listMembers.listId }).from(listMembers).where(scope.own(listMembers, eq(listMembers.contactId, contact.id), eq(listMembers.status, 'pending'), inArray(listMembers.listId, claims.l))).all()
    : [];
  // Only something still waiting is confirmed: an old link must not undo a later unsubscribe.
  if (waiting.length || contact.status === 'pending') {
    const now = new Date();
    const listIds = waiting.map((w) => w.listId);
    const consent: Consent = { source: `form:${claims.f}`, at: now.toISOString(), ip, wording_version: claims.w };
    await scope.db.batch([
      scope.db.update(contacts).set({ status: 'subscribed', consent, updatedAt: now }).where(scope.own(contacts, eq(contacts.id, contact.id))),
      ...(listIds.length ? [scope.db.update(listMembers).set({ status: 'subscribed' }).where(scope.own(listMembers, eq(listMembers.contactId, contact.id), inArray(listMembers.listId, listIds)))] : []),
      auditStatement(scope.db, { tenantId: claims.t, actor: ANONYMOUS, action: 'contact.subscription_confirmed', target: { type: 'contact', id: contact.id }, ip, metadata: { form_id: claims.f } }),
      ...contactEventStatements(scope, [{ contactId: contact.id, type: 'confirmed', at: now, data: { form_id: claims.f, list_ids: listIds, wording_version: claims.w, ip } }]),
    ]);
  }
  const form = await scope.find(forms, claims.f);
  return { outcome: 'confirmed', owner, successUrl: form?.successUrl ?? null };
}
