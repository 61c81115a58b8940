import { describe, expect, it } from 'vitest';
import { isFiltered, messageFiltersOf, messageQuery, messagesHref } from './message-filters';

describe('transactional message filters', () => {
  it('reads known statuses, the recipient, the tag and whole days from the URL', () => {
    const f = messageFiltersOf(new URL('https://x/messages?status=scheduled&to=%20ada@example.com%20&tag=receipt&since=2026-11-01&until=2026-11-30&cursor=c1'));
    expect(f).toEqual({ status: 'scheduled', to: 'ada@example.com', tag: 'receipt', since: '2026-11-01', until: '2026-11-30', cursor: 'c1' });
    expect(isFiltered(f)).toBe(true);
  });

  it('drops an unknown status and malformed days', () => {
    const f = messageFiltersOf(new URL('https://x/messages?status=pending&since=yesterday&until=2026-1-1'));
    expect(f).toMatchObject({ status: '', since: '', until: '' });
    expect(isFiltered(f)).toBe(false);
  });

  it('asks the API for the until-day whole', () => {
    const f = messageFiltersOf(new URL('https://x/messages?since=2026-11-01&until=2026-11-30'));
    expect(messageQuery(f, 50)).toMatchObject({ limit: 50, since: '2026-11-01T00:00:00Z', until: '2026-11-30T23:59:59.999Z', status: '' });
  });

  it('starts again at the newest page when a filter changes, and keeps only what is set', () => {
    const f = messageFiltersOf(new URL('https://x/messages?status=sent&tag=receipt&cursor=c1'));
    expect(messagesHref(f, { status: 'failed' })).toBe('/messages?status=failed&tag=receipt');
    expect(messagesHref(f, { cursor: 'c2' })).toBe('/messages?status=sent&tag=receipt&cursor=c2');
    expect(messagesHref(f, { status: '', tag: '' })).toBe('/messages');
  });
});
