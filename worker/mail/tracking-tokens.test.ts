import { describe, expect, it } from 'vitest';
import { signToken } from '../lib/signed-tokens';
import { signTrackingToken, trackingUrl, verifyTrackingToken, type TrackingPayload } from './tracking-tokens';

const OLD = 'k1:old-secret-old-secret-old-secret-old-secret';
const ROTATED = 'k2:new-secret-new-secret-new-secret-new-secret,' + OLD;

// Ids shaped like lib/ids newId(): prefix + 26 characters.
const recipient = {
  tenantId: 'ten_01jz8q4m7k3x9v2b6n5c1d0f8g',
  messageId: 'msg_01jz8q4m7k3x9v2b6n5c1d0f8h',
  contactId: 'con_01jz8q4m7k3x9v2b6n5c1d0f8j',
  campaignId: 'cmp_01jz8q4m7k3x9v2b6n5c1d0f8k',
};
const click: TrackingPayload = { ...recipient, kind: 'c', url: 'https://shop.example.com/spring-sale?utm_source=newsletter&utm_medium=email', linkIndex: 3 };

describe('tracking tokens', () => {
  it('round-trip every kind, the click with its target and link index', async () => {
    for (const kind of ['o', 'u', 'p', 'v'] as const) {
      const token = await signTrackingToken(OLD, { ...recipient, kind });
      expect(await verifyTrackingToken(OLD, token, kind)).toEqual({ ...recipient, kind });
    }
    expect(await verifyTrackingToken(OLD, await signTrackingToken(OLD, click), 'c')).toEqual(click);
    const { campaignId: _, ...transactional } = recipient;
    const token = await signTrackingToken(OLD, { ...transactional, kind: 'o' });
    expect(await verifyTrackingToken(OLD, token, 'o')).toEqual({ ...transactional, kind: 'o' });
  });

  it('build /t/<kind>/<token> URLs under the base URL', async () => {
    const url = await trackingUrl('https://api.edgepost.test/', OLD, click);
    expect(url).toMatch(/^https:\/\/api\.edgepost\.test\/t\/c\/[\w-]+\.k1\.[\w-]+$/);
    // Measured: a click URL to this 75-character target is 383 characters (the token 352); this keeps it from creeping.
    expect(url.length).toBeLessThan(400);
  });

  it('are refused for another kind: an open pixel token is not an unsubscribe token', async () => {
    const open = await signTrackingToken(OLD, { ...recipient, kind: 'o' });
    expect(await verifyTrackingToken(OLD, open, 'u')).toBeNull();
    expect(await verifyTrackingToken(OLD, open, 'c')).toBeNull();
  });

  it('are refused when tampered with', async () => {
    const token = await signTrackingToken(OLD, click);
    const [body, kid, mac] = token.split('.') as [string, string, string];
    const flipped = body.slice(0, 10) + (body[10] === 'A' ? 'B' : 'A') + body.slice(11);
    expect(await verifyTrackingToken(OLD, `${flipped}.${kid}.${mac}`, 'c')).toBeNull();
    expect(await verifyTrackingToken(OLD, `${body}.${kid}.${mac.slice(0, -1)}`, 'c')).toBeNull();
    expect(await verifyTrackingToken(OLD, token.slice(0, -5), 'c')).toBeNull();
    expect(await verifyTrackingToken('k1:another-secret-another-secret-another', token, 'c')).toBeNull();
  });

  it('still verify after key rotation while the old key is listed', async () => {
    const before = await signTrackingToken(OLD, click);
    expect(await verifyTrackingToken(ROTATED, before, 'c')).toEqual(click);
    const after = await signTrackingToken(ROTATED, click);
    expect(after.split('.')[1]).toBe('k2');
    expect(await verifyTrackingToken('k2:new-secret-new-secret-new-secret-new-secret', before, 'c')).toBeNull();
  });

  it('never sign or accept a click target that is not http(s)', async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'mailto:a@b.example', '//evil.example/x', 'not a url']) {
      await expect(signTrackingToken(OLD, { ...click, url })).rejects.toThrow(/http/);
      // Even a correctly signed payload with such a target (a bug elsewhere, a leaked key) is not a redirect.
      const forged = await signToken(OLD, { k: 'c', t: recipient.tenantId, m: recipient.messageId, r: recipient.contactId, i: 0, u: url });
      expect(await verifyTrackingToken(OLD, forged, 'c')).toBeNull();
    }
  });

  it('carry no contact for transactional mail to an address that is not one', async () => {
    const token = await signTrackingToken(OLD, { kind: 'o', tenantId: 'ten_1', messageId: 'msg_1', contactId: '' });
    expect(await verifyTrackingToken(OLD, token, 'o')).toEqual({ kind: 'o', tenantId: 'ten_1', messageId: 'msg_1', contactId: '' });
  });

  it('refuse signed payloads of the wrong shape', async () => {
    for (const payload of [{ k: 'o', t: 1, m: 'm', r: 'r' }, { k: 'o', t: 't', m: 'm', r: '' }, { k: 'o', t: 't', m: 'm', r: 5 }, { k: 'c', t: 't', m: 'm', r: 'r', u: 'https://x.example' }, 'o', null]) {
      expect(await verifyTrackingToken(OLD, await signToken(OLD, payload), (payload as { k?: 'o' } | null)?.k ?? 'o')).toBeNull();
    }
  });
});
