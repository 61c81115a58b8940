import { describe, expect, it } from 'vitest';
import type { PostalAddress } from '../db/schema';
import { Problem } from '../lib/problem';
import { footerHtml, footerText, formatPostalAddress, type FooterInput } from './footer';

const address: PostalAddress = { line1: '1 Main St', line2: 'Suite 5', city: 'Springfield', region: 'IL', postal_code: '62701', country: 'US' };
const input: FooterInput = {
  tenantName: 'Acme',
  postalAddress: address,
  unsubscribeUrl: 'https://api.edgepost.test/t/u/tok-u',
  preferencesUrl: 'https://api.edgepost.test/t/p/tok-p',
};

describe('compliance footer', () => {
  it('shows the name, postal address, unsubscribe and preference links in HTML and text', () => {
    const html = footerHtml(input, { withUnsubscribe: true });
    expect(html).toContain('Acme &middot; 1 Main St, Suite 5, Springfield IL 62701, US');
    expect(html).toContain('href="https://api.edgepost.test/t/u/tok-u"');
    expect(html).toContain('href="https://api.edgepost.test/t/p/tok-p"');
    expect(html).toContain('role="presentation"');
    expect(html).not.toContain('View in your browser');
    const text = footerText({ ...input, viewOnlineUrl: 'https://api.edgepost.test/t/v/tok-v' }, { withUnsubscribe: true });
    expect(text.split('\n')).toEqual([
      '-- ',
      'Acme, 1 Main St, Suite 5, Springfield IL 62701, US',
      'Unsubscribe: https://api.edgepost.test/t/u/tok-u',
      'Update your preferences: https://api.edgepost.test/t/p/tok-p',
      'View in your browser: https://api.edgepost.test/t/v/tok-v',
    ]);
  });

  it('refuses to render without a complete postal address', () => {
    const incomplete: (PostalAddress | null | undefined)[] = [null, undefined, { ...address, line1: '  ' }, { ...address, city: '' }, { ...address, country: '' }, { ...address, postal_code: '' }];
    for (const postalAddress of incomplete) {
      const render = () => footerHtml({ ...input, postalAddress }, { withUnsubscribe: true });
      expect(render).toThrow(Problem);
      expect(render).toThrow(/postal address is required/);
      expect(() => footerText({ ...input, postalAddress }, { withUnsubscribe: true })).toThrow(/postal address is required/);
    }
    expect(formatPostalAddress({ line1: '1 Rue X', city: 'Paris', postal_code: '75001', country: 'FR' })).toBe('1 Rue X, Paris 75001, FR');
  });

  it('keeps the address but drops its own unsubscribe link when the template already has one', () => {
    const html = footerHtml(input, { withUnsubscribe: false });
    expect(html).not.toContain('/t/u/');
    expect(html).toContain('1 Main St');
    const text = footerText(input, { withUnsubscribe: false });
    expect(text).not.toContain('/t/u/');
    expect(text).toContain('1 Main St');
  });

  it('escapes every tenant-provided value and only lets a plain hex colour into the style', () => {
    const hostile: FooterInput = {
      ...input,
      tenantName: '<script>alert(1)</script>',
      postalAddress: { ...address, line1: '"><img src=x onerror=alert(1)>' },
      brand: { footer_text: 'Thanks & <b>bye</b>\nSee you', primary_color: 'red;background:url(https://evil.example/)' },
      unsubscribeUrl: 'https://api.edgepost.test/t/u/x"onmouseover="alert(1)',
    };
    const html = footerHtml(hostile, { withUnsubscribe: true });
    expect(html).not.toMatch(/<script|<img|<b>|"onmouseover|evil\.example/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Thanks &amp; &lt;b&gt;bye&lt;/b&gt;<br>See you');
    expect(html).toContain('color:#4b5563');
    expect(footerHtml({ ...input, brand: { primary_color: '#0A7AFF' } }, { withUnsubscribe: true })).toContain('color:#0A7AFF');
  });
});
