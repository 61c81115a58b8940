import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import { getDb } from '../db/client';
import { emailClientOf } from '../domain/email-clients';
import { machineReasonOf } from '../domain/machine-traffic';
import { loadMessageView } from '../domain/message-views';
import { recipientState, resubscribeRecipient, savePreferences, unsubscribeRecipient, type RecipientState } from '../domain/recipient-preferences';
import { trackingEvent } from '../domain/tracking-events';
import { log } from '../lib/log';
import { PAGE_LANGUAGES, pageLanguage, recipientCopy } from '../lib/recipient-copy';
import { signTrackingToken, verifyTrackingToken, type TrackedRecipient } from '../mail/tracking-tokens';
import type { App, AppEnv } from '../types';
import { defineRoute } from './define';
import { htmlPage, page } from './html-page';

/**
 * The recipient endpoints under /t/ (tokens from mail/tracking-tokens): open pixel, click redirect,
 * unsubscribe, preference center and view online. The pixel and the redirect answer from the token
 * alone — no database read — and hand the event to the events queue after the response.
 */
const TokenParam = z.object({ token: z.string().min(10).max(4096).openapi({ param: { name: 'token', in: 'path' } }) });

/**
 * The copy is tenant HTML (sanitized on save, merged, then rewritten by us): the CSP sandbox makes
 * the page an opaque origin where nothing can run, whatever it contains; images load from anywhere,
 * as they did in the inbox.
 */
const VIEW_CSP = "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src https: http: data: cid:; style-src 'unsafe-inline'; font-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A 1×1 transparent GIF. */
const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) => ch.charCodeAt(0));
/** Every fetch must reach us, or opens and clicks go uncounted: no cache anywhere on the way. */
const NO_CACHE = { 'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0', pragma: 'no-cache', expires: '0' };

const tags = ['Recipient pages'];
const gif = { description: 'A 1×1 transparent GIF, whatever the token', content: { 'image/gif': { schema: z.string().openapi({ format: 'binary' }) } } };
const routes = {
  open: defineRoute({
    method: 'get', path: '/t/o/{token}', access: 'public', tags,
    summary: 'Open pixel: a 1×1 GIF; a valid token records an open (machine traffic flagged)',
    request: { params: TokenParam },
    responses: { 200: gif },
  }),
  click: defineRoute({
    method: 'get', path: '/t/c/{token}', access: 'public', tags,
    summary: 'Click: redirects to the signed target and records the click',
    request: { params: TokenParam },
    responses: { 302: { description: 'To the link in the message' }, 404: page('Unknown or altered link: never a redirect') },
  }),
  unsubscribePage: defineRoute({
    method: 'get', path: '/t/u/{token}', access: 'public', tags,
    summary: 'Unsubscribe page: changes nothing (mail scanners fetch links), offers the one button that does',
    request: { params: TokenParam },
    responses: { 200: page('The unsubscribe page'), 404: page('Unknown or altered link') },
  }),
  unsubscribe: defineRoute({
    method: 'post', path: '/t/u/{token}', access: 'public', tags,
    summary: 'One-click unsubscribe (RFC 8058) and the page’s buttons: unsubscribes at once; `action=resubscribe` undoes it',
    request: { params: TokenParam },
    responses: { 200: page('Done'), 404: page('Unknown or altered link'), 409: page('The address was stopped for another reason') },
  }),
  preferences: defineRoute({
    method: 'get', path: '/t/p/{token}', access: 'public', tags,
    summary: 'Preference center: topics (lists), language, unsubscribe from all',
    request: { params: TokenParam },
    responses: { 200: page('The preference center'), 404: page('Unknown or altered link') },
  }),
  savePreferences: defineRoute({
    method: 'post', path: '/t/p/{token}', access: 'public', tags,
    summary: 'Saves the preference center',
    request: { params: TokenParam },
    responses: { 200: page('Saved'), 404: page('Unknown or altered link') },
  }),
  view: defineRoute({
    method: 'get', path: '/t/v/{token}', access: 'public', tags,
    summary: 'View online: the message exactly as it was sent to this recipient',
    request: { params: TokenParam },
    responses: { 200: page('The message'), 404: page('Unknown or altered link, or the copy has expired') },
  }),
};

type Ctx = Context<AppEnv>;

/** Queued after the response: the recipient never waits on it, and a queue hiccup never breaks the pixel or the link. */
function record(c: Ctx, ...args: Parameters<typeof trackingEvent>) {
  const machine = args[2];
  const event = { ...trackingEvent(...args), ...(machine ? {} : { agent: emailClientOf(c.req.header('user-agent')) }) };
  c.executionCtx.waitUntil(c.env.EVENTS_QUEUE.send(event).catch((err: unknown) => log('error', 'event_enqueue_failed', { type: event.type, error: String(err) })));
}

const request = (c: Ctx) => ({ method: c.req.method, userAgent: c.req.header('user-agent') });

const goneCopy = recipientCopy(null);
const gone = (c: Ctx) => htmlPage(c, 404, { title: goneCopy('goneTitle'), message: goneCopy('goneMessage') });

async function recipientPageState(c: Ctx, token: string, kind: 'u' | 'p') {
  const r = await verifyTrackingToken(c.env.TOKEN_SIGNING_KEYS, token, kind);
  if (!r) return null;
  const state = await recipientState(getDb(c.env), r);
  return state ? { r, state } : null;
}

/** A page in the recipient's language, under the sender's name and brand. */
async function recipientPage(c: Ctx, state: RecipientState, status: 200 | 409, content: { title: string; message: string; action?: { label: string; path: string; fields: Record<string, string> }; body?: ReturnType<typeof html>; links?: { label: string; href: string }[] }) {
  return htmlPage(c, status, { ...content, bodyPosts: Boolean(content.body), owner: state.owner, lang: pageLanguage(state.contact.language) });
}

const copyFor = (state: RecipientState) => recipientCopy(state.contact.language, { name: state.owner.name, email: state.contact.email });

async function preferencesLink(c: Ctx, r: TrackedRecipient, state: RecipientState) {
  const token = await signTrackingToken(c.env.TOKEN_SIGNING_KEYS, { tenantId: r.tenantId, messageId: r.messageId, contactId: r.contactId, ...(r.campaignId ? { campaignId: r.campaignId } : {}), kind: 'p' });
  return { label: copyFor(state)('preferencesLink'), href: `/t/p/${token}` };
}

export function registerTracking(app: App) {
  app.openapi(routes.open, async (c) => {
    const r = await verifyTrackingToken(c.env.TOKEN_SIGNING_KEYS, c.req.valid('param').token, 'o');
    if (r) record(c, r, 'open', machineReasonOf(request(c), 'open'));
    return c.body(PIXEL, 200, { 'content-type': 'image/gif', ...NO_CACHE });
  });

  app.openapi(routes.click, async (c) => {
    const r = await verifyTrackingToken(c.env.TOKEN_SIGNING_KEYS, c.req.valid('param').token, 'c');
    if (!r) return gone(c);
    record(c, r, 'click', machineReasonOf(request(c), 'click'), { index: r.linkIndex, url: r.url });
    // The target is inside the signed token (http or https only): it cannot be pointed anywhere else.
    return c.body(null, 302, { location: r.url, 'referrer-policy': 'no-referrer', ...NO_CACHE });
  });

  app.openapi(routes.unsubscribePage, async (c) => {
    const { token } = c.req.valid('param');
    const found = await recipientPageState(c, token, 'u');
    if (!found) return gone(c);
    const { r, state } = found;
    const t = copyFor(state);
    const links = [await preferencesLink(c, r, state)];
    if (state.contact.status === 'unsubscribed' || state.suppressed) {
      return recipientPage(c, state, 200, { title: t('unsubscribedTitle'), message: t('unsubscribedMessage'), action: { label: t('resubscribeButton'), path: `/t/u/${token}`, fields: { action: 'resubscribe' } }, links });
    }
    return recipientPage(c, state, 200, { title: t('unsubscribeTitle'), message: t('unsubscribeMessage'), action: { label: t('unsubscribeButton'), path: `/t/u/${token}`, fields: { action: 'unsubscribe' } }, links });
  });

  app.openapi(routes.unsubscribe, async (c) => {
    const { token } = c.req.valid('param');
    const found = await recipientPageState(c, token, 'u');
    if (!found) return gone(c);
    const { r, state } = found;
    const t = copyFor(state);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const links = [await preferencesLink(c, r, state)];
    if (form.action === 'resubscribe') {
      const outcome = await resubscribeRecipient(state, r);
      if (outcome === 'not_allowed') return recipientPage(c, state, 409, { title: t('notAllowedTitle'), message: t('notAllowedMessage'), links });
      return recipientPage(c, state, 200, { title: t('resubscribedTitle'), message: t('resubscribedMessage'), links });
    }
    // A mailbox provider's one-click POST carries `List-Unsubscribe=One-Click`; the page's button says `action=unsubscribe`.
    await unsubscribeRecipient(c.env, state, r, form.action === 'unsubscribe' ? 'page' : 'one_click');
    return recipientPage(c, state, 200, { title: t('unsubscribedTitle'), message: t('unsubscribedMessage'), action: { label: t('resubscribeButton'), path: `/t/u/${token}`, fields: { action: 'resubscribe' } }, links });
  });

  const preferencesForm = (token: string, state: RecipientState) => {
    const t = copyFor(state);
    const language = pageLanguage(state.contact.language);
    return html`<form method="post" action="/t/p/${token}">
<fieldset><legend>${t('topicsLegend')}</legend>
${state.lists.length ? state.lists.map((l) => html`<label><input type="checkbox" name="lists" value="${l.id}"${l.subscribed ? html` checked` : ''}><span>${l.name}${l.description ? html`<br><small>${l.description}</small>` : ''}</span></label>`) : html`<p>${t('noTopics')}</p>`}
</fieldset>
<p><label for="language">${t('languageLabel')}</label>
<select id="language" name="language">${PAGE_LANGUAGES.map((l) => html`<option value="${l.code}"${l.code === language ? html` selected` : ''}>${l.name}</option>`)}</select></p>
<button type="submit" name="action" value="save">${t('saveButton')}</button><button type="submit" name="action" value="unsubscribe_all" class="secondary">${t('unsubscribeAll')}</button>
</form>`;
  };

  app.openapi(routes.preferences, async (c) => {
    const { token } = c.req.valid('param');
    const found = await recipientPageState(c, token, 'p');
    if (!found) return gone(c);
    const t = copyFor(found.state);
    return recipientPage(c, found.state, 200, { title: t('preferencesTitle'), message: t('preferencesMessage'), body: preferencesForm(token, found.state) });
  });

  app.openapi(routes.savePreferences, async (c) => {
    const { token } = c.req.valid('param');
    const found = await recipientPageState(c, token, 'p');
    if (!found) return gone(c);
    const { r, state } = found;
    const form = await c.req.parseBody({ all: true }).catch(() => ({}) as Record<string, unknown>);
    const t = copyFor(state);
    if (form.action === 'unsubscribe_all') {
      await unsubscribeRecipient(c.env, state, r, 'preferences');
      return recipientPage(c, state, 200, { title: t('unsubscribedTitle'), message: t('unsubscribedMessage'), body: preferencesForm(token, state) });
    }
    const chosen = ([] as unknown[]).concat(form.lists ?? []).filter((v): v is string => typeof v === 'string');
    const language = typeof form.language === 'string' && PAGE_LANGUAGES.some((l) => l.code === form.language) ? form.language : state.contact.language;
    await savePreferences(state, r, { lists: chosen, language });
    const saved = await recipientState(getDb(c.env), r);
    if (!saved) return gone(c);
    const s = copyFor(saved);
    return recipientPage(c, saved, 200, { title: s('savedTitle'), message: s('savedMessage'), body: preferencesForm(token, saved) });
  });

  app.openapi(routes.view, async (c) => {
    const notAvailable = () => htmlPage(c, 404, { title: 'This message is not available', message: 'The link is not valid, or the online copy of this email has expired.' });
    const payload = await verifyTrackingToken(c.env.TOKEN_SIGNING_KEYS, c.req.valid('param').token, 'v');
    if (!payload) return notAvailable();
    const view = await loadMessageView(c.env, payload.tenantId, payload.messageId);
    if (!view) return notAvailable();
    return c.html(view.html, 200, { 'content-security-policy': VIEW_CSP, 'cache-control': 'private, no-store', 'x-robots-tag': 'noindex', 'referrer-policy': 'no-referrer' });
  });
}
