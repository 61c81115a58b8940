import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getDb } from '../db/client';
import { tenantScope } from '../db/tenant-scope';
import { CAPTCHA_FIELD, findPublicForm, FORM_FIELD_NAMES, formLists, HONEYPOT_FIELD, type FormField } from '../domain/forms';
import { confirmSubscription, previewConfirmation, subscribe } from '../domain/subscribe';
import { config } from '../env';
import { Problem } from '../lib/problem';
import type { PageBrand } from '../lib/public-page';
import type { App, AppEnv } from '../types';
import { clientInfo } from './context';
import { defineRoute } from './define';
import { htmlPage, page } from './html-page';
import { errors, json } from './schemas';

const Text = (max: number) => z.string().trim().max(max).optional();
const SubscribeBody = z.object({
  email: z.string().max(320).openapi({ example: 'ada@example.com' }),
  first_name: Text(100),
  last_name: Text(100),
  company: Text(200),
  phone: Text(40),
  city: Text(100),
  country: z.string().trim().regex(/^([A-Za-z]{2})?$/, 'must be a two-letter country code').optional(),
  [HONEYPOT_FIELD]: z.string().max(1000).optional().openapi({ description: 'Honeypot: must stay empty' }),
  [CAPTCHA_FIELD]: z.string().max(4096).optional().openapi({ description: 'Cloudflare Turnstile token (the development stand-in accepts XXXX.DUMMY.TOKEN.XXXX)' }),
});
type SubscribeBody = z.infer<typeof SubscribeBody>;

const redirect = { description: 'To the form’s success_url, or to its thanks page', headers: z.object({ location: z.string() }) };

const tags = ['Public forms'];
const routes = {
  subscribe: defineRoute({
    method: 'post', path: '/v1/public/forms/{id}/subscribe', access: 'public', tags,
    summary: 'Subscribe through a form (from the embed snippet, or JSON); the answer never tells whether the address was known',
    request: {
      params: z.object({ id: z.string().min(3).max(64) }),
      body: { required: false, content: { 'application/x-www-form-urlencoded': { schema: SubscribeBody }, 'application/json': { schema: SubscribeBody } } },
    },
    responses: {
      202: json(z.object({ status: z.enum(['pending', 'subscribed']).openapi({ description: 'pending: a confirmation email is on its way' }) }), 'Accepted (JSON)'),
      303: redirect,
      400: errors[400],
      404: errors[404],
      415: errors[415],
      429: errors[429],
    },
  }),
  thanks: defineRoute({
    method: 'get', path: '/v1/public/forms/{id}/thanks', access: 'public', tags, summary: 'The page browsers see after subscribing when the form has no success_url',
    request: { params: z.object({ id: z.string().min(3).max(64) }) },
    responses: { 200: page('Thanks page'), 404: page('No such form') },
  }),
  confirmPage: defineRoute({
    method: 'get', path: '/v1/public/confirm', access: 'public', tags,
    summary: 'The double opt-in link from the confirmation email (valid 7 days): a page with a button that confirms — opening the link alone changes nothing, so mail scanners cannot subscribe anyone',
    request: { query: z.object({ token: z.string().max(4096).optional() }) },
    responses: { 200: page('Asks to confirm'), 404: page('Unknown or altered link'), 409: page('The address can no longer be subscribed'), 410: page('The link has expired') },
  }),
  confirm: defineRoute({
    method: 'post', path: '/v1/public/confirm', access: 'public', tags, summary: 'The confirm button: subscribes the contact to the lists waiting for confirmation and records the consent',
    request: { body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: z.object({ token: z.string().max(4096).optional() }) } } } },
    responses: { 200: page('Confirmed'), 303: redirect, 404: page('Unknown or altered link'), 409: page('The address can no longer be subscribed'), 410: page('The link has expired') },
  }),
};

const notFoundPage = (c: Context<AppEnv>, owner: PageBrand | null = null) =>
  htmlPage(c, 404, { title: 'Page not found', message: 'This form or link does not exist, or is no longer in use.', owner });

/** Only the fields the form asks for are taken; blank ones count as not given. */
function fieldsOf(body: SubscribeBody, asked: string[]) {
  const fields: Partial<Record<FormField, string>> = {};
  for (const name of FORM_FIELD_NAMES) {
    const value = body[name];
    if (asked.includes(name) && value) fields[name] = name === 'country' ? value.toUpperCase() : value;
  }
  return fields;
}

export function registerPublicForms(app: App) {
  app.openapi(routes.subscribe, async (c) => {
    // A form post comes from a browser on the tenant's website: it gets pages and redirects, not JSON.
    const browser = !(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
    let owner: PageBrand | null = null;
    try {
      const pf = await findPublicForm(getDb(c.env), c.req.valid('param').id);
      owner = { name: pf.tenant.name, brand: pf.tenant.brand };
      const body = browser ? c.req.valid('form') : c.req.valid('json');
      const answer = await subscribe(c.env, pf, {
        email: body.email,
        fields: fieldsOf(body, pf.form.fields),
        honeypot: body[HONEYPOT_FIELD],
        captchaToken: body[CAPTCHA_FIELD],
        ip: clientInfo(c).ip,
      });
      if (!browser) return c.json(answer, 202);
      return c.redirect(pf.form.successUrl ?? `${config(c.env).PUBLIC_API_URL}/v1/public/forms/${pf.form.id}/thanks`, 303);
    } catch (err) {
      if (!browser || !(err instanceof Problem)) throw err;
      if (err.status === 404) return notFoundPage(c, owner);
      const hint = err.status === 400 ? ' Go back, correct it and send the form again.' : '';
      return htmlPage(c, err.status as ContentfulStatusCode, { title: err.body().title, message: `${err.message}${hint}`, owner }, err.headers);
    }
  });

  app.openapi(routes.thanks, async (c) => {
    let pf;
    try {
      pf = await findPublicForm(getDb(c.env), c.req.valid('param').id);
    } catch (err) {
      if (err instanceof Problem && err.status === 404) return notFoundPage(c);
      throw err;
    }
    const lists = await formLists(tenantScope(getDb(c.env), pf.tenant.id), pf.form.listIds);
    const owner = { name: pf.tenant.name, brand: pf.tenant.brand };
    return lists.some((l) => l.doubleOptIn)
      ? htmlPage(c, 200, { title: 'Almost done: check your inbox', message: 'We sent you an email with a link to confirm your subscription. It works for 7 days.', owner })
      : htmlPage(c, 200, { title: 'Thank you for subscribing', message: 'You are on the list. You can unsubscribe at any time from the link in every email.', owner });
  });

  /** The pages for a link that cannot confirm (anymore); the same for the GET and the POST. */
  const unusableLink = (c: Context<AppEnv>, result: { outcome: 'expired' | 'refused' | 'invalid'; owner: PageBrand | null }) => {
    switch (result.outcome) {
      case 'expired':
        return htmlPage(c, 410, { title: 'This link has expired', message: 'Confirmation links work for 7 days. Subscribe again to get a new one.', owner: result.owner });
      case 'refused':
        return htmlPage(c, 409, { title: 'This address cannot be subscribed', message: 'Emails to this address bounced or were reported, or it was asked never to be mailed again, so it cannot be subscribed.', owner: result.owner });
      case 'invalid':
        return notFoundPage(c, result.owner);
    }
  };

  app.openapi(routes.confirmPage, async (c) => {
    const token = c.req.valid('query').token;
    const result = await previewConfirmation(c.env, token);
    if (result.outcome !== 'ready') return unusableLink(c, result);
    return htmlPage(c, 200, {
      title: 'Confirm your subscription',
      message: 'One more step: press the button to confirm that you want to receive these emails.',
      owner: result.owner,
      action: { label: 'Confirm my subscription', path: '/v1/public/confirm', fields: { token: token! } },
    });
  });

  app.openapi(routes.confirm, async (c) => {
    const result = await confirmSubscription(c.env, c.req.valid('form').token, clientInfo(c).ip);
    if (result.outcome !== 'confirmed') return unusableLink(c, result);
    if (result.successUrl) return c.redirect(result.successUrl, 303);
    return htmlPage(c, 200, { title: 'Subscription confirmed', message: 'Thank you: your subscription is confirmed. You can unsubscribe at any time from the link in every email.', owner: result.owner });
  });
}
