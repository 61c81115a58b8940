import { describe, expect, it } from 'vitest';
import { recipientFiltersOf, recipientsHref } from './recipient-filters';

describe('recipient filters', () => {
  it('reads known outcomes, the search and the cursor from the URL', () => {
    expect(recipientFiltersOf(new URL('https://x/campaigns/c1?outcome=clicked&q=%20ada%20&cursor=abc'))).toEqual({ outcome: 'clicked', q: 'ada', cursor: 'abc' });
    expect(recipientFiltersOf(new URL('https://x/campaigns/c1?outcome=everything')).outcome).toBe('');
  });

  it('starts again at the first page when a filter changes, and keeps only what is set', () => {
    const filters = { outcome: 'opened' as const, q: 'ada', cursor: 'abc' };
    expect(recipientsHref('/campaigns/c1', filters, { outcome: 'bounced' })).toBe('/campaigns/c1?outcome=bounced&q=ada');
    expect(recipientsHref('/campaigns/c1', filters, { cursor: 'next' })).toBe('/campaigns/c1?outcome=opened&q=ada&cursor=next');
    expect(recipientsHref('/campaigns/c1', filters, { outcome: '', q: '' })).toBe('/campaigns/c1');
  });
});
