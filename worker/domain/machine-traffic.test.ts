import { describe, expect, it } from 'vitest';
import { isTooFast, machineReasonOf } from './machine-traffic';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const get = (userAgent: string | null) => ({ method: 'GET', userAgent });

describe('machine traffic', () => {
  it('counts a browser and the mailbox image proxies as people', () => {
    expect(machineReasonOf(get(CHROME), 'open')).toBeNull();
    expect(machineReasonOf(get(CHROME), 'click')).toBeNull();
    expect(machineReasonOf(get('Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)'), 'open')).toBeNull();
    expect(machineReasonOf(get('YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html'), 'open')).toBeNull();
  });

  it('flags Apple Mail Privacy Protection, bots, link scanners, HEAD requests and a missing user agent', () => {
    expect(machineReasonOf(get('Mozilla/5.0'), 'open')).toBe('apple_mpp');
    expect(machineReasonOf(get('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'), 'click')).toBe('bot');
    expect(machineReasonOf(get('Barracuda Sentinel (EE)'), 'click')).toBe('bot');
    expect(machineReasonOf(get('curl/8.5.0'), 'open')).toBe('bot');
    expect(machineReasonOf(get(null), 'open')).toBe('bot');
    expect(machineReasonOf({ method: 'HEAD', userAgent: CHROME }, 'click')).toBe('head');
    // A proxy fetching a link is not a person opening an image.
    expect(machineReasonOf(get('YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html'), 'click')).toBe('bot');
  });

  it('calls a click within a second of the delivery or the open too fast for a person', () => {
    expect(isTooFast(10_500, 10_000, null)).toBe(true);
    expect(isTooFast(20_500, 10_000, 20_000)).toBe(true);
    expect(isTooFast(11_000, 10_000, null)).toBe(false);
    expect(isTooFast(30_000, 10_000, 20_000)).toBe(false);
    expect(isTooFast(30_000, null, null)).toBe(false);
  });
});
