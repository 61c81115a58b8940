/**
 * A contact's statuses. In a module of its own, without imports, because the dashboard needs the
 * values at run time and must not bundle the schema (drizzle) to get them.
 *
 * `inactive`: no engagement for the workspace's sunset period (domain/sunset.ts); left out of campaigns until it engages or is reactivated.
 */
export const CONTACT_STATUSES = ['subscribed', 'pending', 'unsubscribed', 'bounced', 'complained', 'cleaned', 'inactive'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
