import { describe, expect, it } from 'vitest';
import { eventsText, webhookBody } from './webhook-form';

describe('webhookBody', () => {
  it('trims, drops an empty description and keeps only known event types in the API order', () => {
    const form = new FormData();
    form.set('url', '  https://example.com/hooks ');
    form.set('description', ' ');
    for (const t of ['clicked', 'bogus', 'sent']) form.append('event_types', t);
    expect(webhookBody(form)).toEqual({ url: 'https://example.com/hooks', description: null, event_types: ['sent', 'clicked'] });
  });

  it('sends no event types (all events) when none is ticked', () => {
    const form = new FormData();
    form.set('url', 'https://example.com/hooks');
    form.set('description', 'CRM sync');
    expect(webhookBody(form)).toEqual({ url: 'https://example.com/hooks', description: 'CRM sync', event_types: [] });
  });
});

describe('eventsText', () => {
  it('says "All events" for an empty filter and names the others', () => {
    expect(eventsText({ event_types: [] })).toBe('All events');
    expect(eventsText({ event_types: ['opened', 'campaign.finished'] })).toBe('Opened, Campaign finished');
  });
});
