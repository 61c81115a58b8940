import { describe, expect, test } from 'vitest';
import { describeMessageEvent } from './message-events';

const at = '2026-11-20T10:00:00.000Z';

describe('transactional message timeline', () => {
  test('the message’s own steps, with the reason it failed', () => {
    expect(describeMessageEvent({ type: 'accepted', at, data: null })).toBe('Accepted by the API');
    expect(describeMessageEvent({ type: 'failed', at, data: { error: '550 mailbox unknown' } })).toBe('Could not be sent: 550 mailbox unknown');
    expect(describeMessageEvent({ type: 'bounced', at, data: { error: null } })).toBe('Bounced');
  });

  test('the recipient’s events read as on the contact timeline, machine traffic included', () => {
    expect(describeMessageEvent({ type: 'open', at, data: null })).toBe('Opened');
    expect(describeMessageEvent({ type: 'machine_open', at, data: { machine: 'apple_mpp' } })).toBe('Opened by Apple Mail Privacy Protection, not counted');
  });
});
