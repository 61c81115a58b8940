import { describe, expect, test } from 'vitest';
import { describeActivity } from './contact-activity';

const lists = new Map([['lst_1', 'Newsletter']]);
const event = (type: string, data: Record<string, unknown> | null = null, campaign_id: string | null = null) => ({ type, data, campaign_id });

describe('contact timeline', () => {
  test('names the lists an entry is about, and says "a list" for one since deleted', () => {
    expect(describeActivity(event('list_added', { list_id: 'lst_1' }), lists)).toBe('Added to Newsletter');
    expect(describeActivity(event('list_removed', { list_id: 'lst_gone' }), lists)).toBe('Removed from a list');
    expect(describeActivity(event('confirmed', { list_ids: ['lst_1'] }), lists)).toBe('Confirmed the subscription to Newsletter');
  });

  test('says which fields changed and which campaign an event belongs to', () => {
    expect(describeActivity(event('updated', { fields: ['first_name', 'custom.plan'] }), lists)).toBe('Details changed: first name, custom.plan');
    expect(describeActivity(event('open', null, 'cmp_1'), lists)).toBe('Opened (campaign cmp_1)');
  });

  test('an event type the dashboard does not know yet still reads as words', () => {
    expect(describeActivity(event('sms_sent'), lists)).toBe('sms sent');
  });
});
