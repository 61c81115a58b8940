import type { Role } from '../db/schema';

/**
 * Every kind of notification Edgepost sends, with who gets it by default and its wording.
 * Title, body and link are Liquid templates rendered with the event's data; members can switch
 * each channel per kind (memberships.notification_prefs).
 */
export interface NotificationKind {
  /** Roles that receive it, or 'self' for notifications about one user's own action. */
  audience: readonly Role[] | 'self';
  email: boolean;
  title: string;
  body: string;
  link?: string;
}

const MANAGERS = ['owner', 'admin'] as const;
const SENDERS = ['owner', 'admin', 'editor'] as const;

export const NOTIFICATION_KINDS = {
  welcome: {
    audience: 'self',
    email: true,
    title: 'Welcome to Edgepost{% if user_name %}, {{ user_name }}{% endif %}',
    body: 'Your workspace {{ tenant_name }} is ready. The getting-started checklist on your dashboard walks you from your first contacts to your first campaign.',
    link: '/',
  },
  campaign_finished: {
    audience: SENDERS,
    email: true,
    title: 'Campaign “{{ campaign_name }}” has finished sending',
    body: '{{ sent }} sent · {{ open_rate }} opened · {{ click_rate }} clicked · {{ bounce_rate }} bounced · {{ unsubscribes }} unsubscribed.',
    link: '/campaigns/{{ campaign_id }}',
  },
  quota_warning: {
    audience: MANAGERS,
    email: true,
    title: 'You have used {{ percent }}% of your monthly email quota',
    body: '{{ used }} of {{ limit }} emails sent this month on the {{ plan }} plan. Sending stops at 100% until the quota resets on {{ resets_on }} or the plan is upgraded.',
    link: '/settings/plan',
  },
  quota_reached: {
    audience: MANAGERS,
    email: true,
    title: 'Monthly email quota reached: sending is stopped',
    body: 'All {{ limit }} emails of the {{ plan }} plan are used. Sending resumes on {{ resets_on }}, or at once after an upgrade.',
    link: '/settings/plan',
  },
  contact_limit_warning: {
    audience: MANAGERS,
    email: true,
    title: 'You have used {{ percent }}% of your plan’s contacts',
    body: '{{ used }} of {{ limit }} contacts on the {{ plan }} plan. New contacts from the API, imports and forms are refused at the limit: upgrade the plan or delete contacts you no longer mail.',
    link: '/contacts',
  },
  reputation_warning: {
    audience: MANAGERS,
    email: true,
    title: 'Clean your list: {{ reason }}',
    body: '{{ detail }} Mailbox providers filter senders above 2% bounces or 0.1% complaints, and Edgepost pauses sending at {{ pause_bounce }} bounces or {{ pause_complaint }} complaints. Remove hard-bounced and long-inactive contacts, confirm new sign-ups, and never mail bought lists.',
    link: '/health',
  },
  sending_paused: {
    audience: MANAGERS,
    email: true,
    title: 'Sending paused: {{ reason }}',
    body: '{{ detail }} Clean the list (remove bounced and inactive addresses) before asking for sending to resume.',
    link: '/health',
  },
  domain_verified: {
    audience: MANAGERS,
    email: true,
    title: 'Sending domain {{ domain }} is verified',
    body: 'SPF, DKIM and DMARC for {{ domain }} check out. Campaigns can now be sent from it.',
    link: '/domains',
  },
  domain_broken: {
    audience: MANAGERS,
    email: true,
    title: 'Sending domain {{ domain }} needs attention',
    body: 'The {{ record }} record of {{ domain }} no longer matches what Edgepost expects, so mail from it may be rejected. {{ detail }}',
    link: '/domains',
  },
  dkim_rotation: {
    audience: MANAGERS,
    email: true,
    title: 'Publish the new DKIM key of {{ domain }}',
    body: 'The DKIM key of {{ domain }} is a year old, so Edgepost made a new one. Publish the TXT record {{ record_name }} shown on the Domains page. The current key keeps signing until the new record is found, and stays valid 7 more days for mail in flight.',
    link: '/domains',
  },
  transport_failing: {
    audience: MANAGERS,
    email: true,
    title: 'Delivery through {{ transport }} is failing',
    body: '{{ failures }} attempts failed in the last {{ minutes }} minutes: {{ error }}. Messages are being retried.',
    link: '/transports',
  },
  import_finished: {
    audience: 'self',
    email: true,
    title: 'Import finished: {{ created }} created, {{ updated }} updated',
    body: '{{ processed }} rows read; {{ skipped }} skipped and {{ invalid }} invalid.{% if invalid > 0 %} Download the report of invalid rows from the job page.{% endif %}',
    link: '/jobs/{{ job_id }}',
  },
  export_finished: {
    audience: 'self',
    email: true,
    title: 'Your export is ready',
    body: 'Download it here: {{ download_url }} — the link expires on {{ expires_on }}.',
    link: '/jobs/{{ job_id }}',
  },
  webhook_disabled: {
    audience: MANAGERS,
    email: true,
    title: 'Webhook endpoint disabled: {{ url }}',
    body: 'It failed {{ failures }} deliveries in a row{% if gone %} and answered 410 Gone{% endif %}. Fix it and re-enable it; events since then can be replayed.',
    link: '/webhooks',
  },
  sunset_report: {
    audience: MANAGERS,
    email: true,
    title: '{{ count }} contact{% if count != 1 %}s{% endif %} had no engagement in {{ months }} months',
    body: 'They received your mail and opened or clicked none of it, so they are now inactive and left out of campaigns, which protects your sender reputation. Reactivate them from the contacts page, or send them a re-engagement campaign (audience: inactive contacts only).',
    link: '/contacts?status=inactive',
  },
  monthly_usage: {
    audience: MANAGERS,
    email: true,
    title: 'Your Edgepost usage in {{ month }}',
    body: '{{ emails_sent }} emails sent of {{ email_limit }} · {{ contacts }} contacts of {{ contact_limit }} · {{ campaigns }} campaign{% if campaigns != 1 %}s{% endif %}.',
    link: '/settings/plan',
  },
} as const satisfies Record<string, NotificationKind>;

export type NotificationKindName = keyof typeof NOTIFICATION_KINDS;
export const NOTIFICATION_KIND_NAMES = Object.keys(NOTIFICATION_KINDS) as NotificationKindName[];
