import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint } from './api-types';

type EventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The endpoint form as the API takes it: no event type ticked means every event. */
export function webhookBody(form: FormData) {
  const events = form.getAll('event_types').map(String);
  return {
    url: String(form.get('url') ?? '').trim(),
    description: String(form.get('description') ?? '').trim() || null,
    event_types: WEBHOOK_EVENT_TYPES.filter((t) => events.includes(t)),
  };
}

export const EVENT_LABELS: Record<EventType, string> = {
  sent: 'Sent',
  delivered: 'Delivered',
  opened: 'Opened',
  clicked: 'Clicked',
  bounced: 'Bounced',
  complained: 'Complained',
  unsubscribed: 'Unsubscribed',
  'campaign.started': 'Campaign started',
  'campaign.finished': 'Campaign finished',
  'contact.created': 'Contact created',
};

/** What an endpoint receives, in words. */
export function eventsText(e: Pick<WebhookEndpoint, 'event_types'>): string {
  return e.event_types.length === 0 ? 'All events' : e.event_types.map((t) => EVENT_LABELS[t as EventType] ?? t).join(', ');
}
