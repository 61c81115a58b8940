import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getDb } from '../../worker/db/client';
import { NOTIFICATION_KINDS, NOTIFICATION_KIND_NAMES } from '../../worker/domain/notification-kinds';
import { notify } from '../../worker/domain/notifications';
import { addMember, call, setPlan, signupTenant, waitForEmail } from './helpers';

/** Sample data for each kind, as the part of Edgepost that raises it would pass. */
const SAMPLE: Record<string, Record<string, string | number | boolean>> = {
  welcome: { user_name: 'Olive' },
  campaign_finished: { campaign_name: 'Autumn sale', campaign_id: 'cmp_1', sent: 1000, open_rate: '41%', click_rate: '6%', bounce_rate: '0.4%', unsubscribes: 3 },
  quota_warning: { percent: 80, used: 800, limit: 1000, plan: 'Free', resets_on: '1 Dec' },
  quota_reached: { limit: 1000, plan: 'Free', resets_on: '1 Dec' },
  contact_limit_warning: { percent: 80, used: 400, limit: 500, plan: 'Free' },
  reputation_warning: { reason: 'bounce rate 2.4%', detail: 'Of the 1,000 messages sent in the last 7 days, 2.4% hard-bounced.', pause_bounce: '5.0%', pause_complaint: '0.30%' },
  sending_paused: { reason: 'bounce rate 6.1%', detail: 'Over 5% of recent messages bounced.' },
  domain_verified: { domain: 'acme.test' },
  domain_broken: { domain: 'acme.test', record: 'DKIM', detail: 'The selector record is missing.' },
  dkim_rotation: { domain: 'acme.test', record_name: 'ep202611-k3xq._domainkey.acme.test' },
  transport_failing: { transport: 'SMTP relay', failures: 12, minutes: 10, error: '421 try later' },
  import_finished: { job_id: 'job_1', created: 90, updated: 5, processed: 100, skipped: 3, invalid: 2 },
  export_finished: { job_id: 'job_2', download_url: 'https://api.example/v1/downloads/x', expires_on: '3 Dec' },
  webhook_disabled: { url: 'https://hooks.acme.test/x', failures: 20, gone: false },
  sunset_report: { count: 42, months: 12 },
  monthly_usage: { month: 'November', emails_sent: 900, email_limit: 1000, contacts: 450, contact_limit: 500, campaigns: 4 },
};

describe('notifications', () => {
  it('welcome arrives in-app and by email after signup', async () => {
    const s = await signupTenant();
    const list = await call('/v1/notifications', { token: s.token });
    expect(list.json.unread_count).toBe(1);
    expect(list.json.data[0]).toMatchObject({ kind: 'welcome', read: false, title: 'Welcome to Edgepost, Olive Owner' });
    await waitForEmail(s.email, /Welcome to Edgepost/);
  });

  it('every kind is delivered in-app and by email to its audience', async () => {
    const owner = await signupTenant('Notify Co');
    expect(Object.keys(SAMPLE).sort()).toEqual([...NOTIFICATION_KIND_NAMES].sort());
    for (const kind of NOTIFICATION_KIND_NAMES) {
      const sent = await notify(env, getDb(env), { tenantId: owner.tenantId, kind, data: SAMPLE[kind]!, userIds: NOTIFICATION_KINDS[kind].audience === 'self' ? [owner.userId] : undefined });
      expect(sent, kind).toEqual({ in_app: 1, email: 1 });
    }
    const list = await call('/v1/notifications?limit=50', { token: owner.token });
    const kinds = list.json.data.map((n: { kind: string }) => n.kind);
    for (const kind of NOTIFICATION_KIND_NAMES) expect(kinds, kind).toContain(kind);
    const finished = list.json.data.find((n: { kind: string }) => n.kind === 'campaign_finished');
    expect(finished).toMatchObject({ title: 'Campaign “Autumn sale” has finished sending', link: '/campaigns/cmp_1' });
    expect(finished.body).toContain('1000 sent');
    await waitForEmail(owner.email, /Campaign “Autumn sale” has finished/);
    await waitForEmail(owner.email, /Monthly email quota reached/);
    await waitForEmail(owner.email, /Import finished: 90 created/);
  });

  it('goes only to the roles of its audience, minus those who switched it off', async () => {
    const owner = await signupTenant();
    await setPlan(owner.tenantId, 'pro');
    const editor = await addMember(owner.tenantId, 'editor');
    const admin = await addMember(owner.tenantId, 'admin');
    const prefs = await call('/v1/notifications/preferences', { method: 'PATCH', token: admin.token, body: { preferences: [{ kind: 'quota_warning', email: false }] } });
    expect(prefs.json.data.find((p: { kind: string }) => p.kind === 'quota_warning')).toEqual({ kind: 'quota_warning', email: false, in_app: true });
    const sent = await notify(env, getDb(env), { tenantId: owner.tenantId, kind: 'quota_warning', data: SAMPLE.quota_warning! });
    expect(sent).toEqual({ in_app: 2, email: 1 });
    expect((await call('/v1/notifications', { token: editor.token })).json.data).toHaveLength(0);
  });

  it('marks one or all read, and never touches another user', async () => {
    const owner = await signupTenant();
    await notify(env, getDb(env), { tenantId: owner.tenantId, kind: 'domain_verified', data: SAMPLE.domain_verified! });
    const list = await call('/v1/notifications', { token: owner.token });
    expect(list.json.unread_count).toBe(2);
    const other = await signupTenant();
    expect((await call(`/v1/notifications/${list.json.data[0].id}/read`, { method: 'POST', token: other.token })).status).toBe(404);
    expect((await call(`/v1/notifications/${list.json.data[0].id}/read`, { method: 'POST', token: owner.token })).json.marked).toBe(1);
    expect((await call('/v1/notifications/read-all', { method: 'POST', token: owner.token })).json.marked).toBe(1);
    expect((await call('/v1/notifications?unread=true', { token: owner.token })).json).toMatchObject({ data: [], unread_count: 0 });
  });

  it('escapes data in the email HTML', async () => {
    const owner = await signupTenant();
    await notify(env, getDb(env), { tenantId: owner.tenantId, kind: 'domain_broken', data: { domain: '<img src=x onerror=alert(1)>', record: 'DKIM', detail: '' } });
    const mail = await waitForEmail(owner.email, /needs attention/);
    const html = (await (await fetch(`${env.MAILDEV_URL}/api/email/${mail.id}`)).json()) as { html: string };
    expect(html.html).not.toContain('<img src=x');
    expect(html.html).toContain('&#60;img');
  });
});
