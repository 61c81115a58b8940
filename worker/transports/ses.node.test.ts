import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { outboundMessage, useFakeEsp, type ReceivedRequest } from '../../test/node/fake-esp';
import { sesTransport, type SesSettings } from './ses';

const CREDENTIALS = { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/**
 * What AWS does with a request: rebuild the SigV4 canonical request from what arrived (the signed
 * headers, the body) and recompute the signature with the secret key. Written from the SigV4
 * specification, independently of aws4fetch.
 */
function expectedSignature(req: ReceivedRequest, secret: string) {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    String(req.headers.authorization),
  );
  if (!auth) throw new Error(`not a SigV4 Authorization header: ${req.headers.authorization}`);
  const [, , date, region, service, signedHeaders, signature] = auth;
  const amzDate = String(req.headers['x-amz-date']);
  const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const [path, query = ''] = req.path.split('?');
  const canonicalHeaders = signedHeaders!.split(';').map((h) => `${h}:${String(req.headers[h]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [req.method, path, query, canonicalHeaders, signedHeaders, sha256(req.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return { region, service, signedHeaders: signedHeaders!.split(';'), signature, expected: createHmac('sha256', key).update(stringToSign).digest('hex') };
}

describe('Amazon SES v2 transport', () => {
  const esp = useFakeEsp();
  const ses = (settings: Partial<SesSettings> = {}) => sesTransport({ region: 'eu-west-1', api_base: esp().url, ...settings }, CREDENTIALS);

  it('sends the signed MIME byte for byte as Content.Raw, with a valid SigV4 signature for ses in the region', async () => {
    esp().reply(() => ({ body: { MessageId: '0102018f-4a1b-7c2d-ses' } }));
    const message = outboundMessage();
    const session = await ses({ configuration_set: 'edgepost-events' }).open();
    expect(await session.send(message)).toEqual({ externalId: '0102018f-4a1b-7c2d-ses' });

    const req = esp().last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v2/email/outbound-emails');
    expect(req.headers['content-type']).toBe('application/json');
    const body = esp().lastJson();
    expect(body).toEqual({
      Destination: { ToAddresses: ['zoe@example.com'] },
      Content: { Raw: { Data: expect.any(String) } },
      EmailTags: [
        { Name: 'edgepost_message_id', Value: 'msg_01testmessage' },
        { Name: 'stream', Value: 'marketing' },
      ],
      ConfigurationSetName: 'edgepost-events',
    });
    expect(Buffer.from(body.Content.Raw.Data, 'base64').equals(Buffer.from(message.raw, 'utf8'))).toBe(true);

    const sig = expectedSignature(req, CREDENTIALS.secret_access_key);
    expect(sig).toMatchObject({ region: 'eu-west-1', service: 'ses' });
    // The body is covered by the payload hash in the canonical request.
    expect(sig.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
    expect(sig.signature).toBe(sig.expected);
    expect(String(req.headers.authorization)).toContain(`Credential=${CREDENTIALS.access_key_id}/`);
  });

  it('leaves the configuration set out when none is set', async () => {
    await (await ses().open()).send(outboundMessage({ stream: 'transactional' }));
    expect(esp().lastJson()).not.toHaveProperty('ConfigurationSetName');
    expect(esp().lastJson().EmailTags).toContainEqual({ Name: 'stream', Value: 'transactional' });
  });

  it('a message SES rejects is permanent for that message, with the SES error type as the code', async () => {
    esp().reply(() => ({ status: 400, headers: { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/' }, body: { message: 'Email address is not verified.' } }));
    await expect((await ses().open()).send(outboundMessage())).rejects.toMatchObject({
      kind: 'permanent',
      message: expect.stringContaining('Email address is not verified.'),
      opts: { code: 'MessageRejected', scope: 'message' },
    });
  });

  it('an unverified MAIL FROM domain or a suspended account stops the batch instead of bouncing the recipient', async () => {
    for (const type of ['MailFromDomainNotVerifiedException', 'AccountSuspendedException']) {
      esp().reply(() => ({ status: 400, headers: { 'x-amzn-errortype': type }, body: { message: 'no' } }));
      await expect((await ses().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'permanent', opts: { code: type, scope: 'connection' } });
    }
  });

  it('a quota or rate limit reported as 400 is still temporary', async () => {
    esp().reply(() => ({ status: 400, body: { __type: 'com.amazonaws.sesv2#LimitExceededException', message: 'Maximum sending rate exceeded.' } }));
    await expect((await ses().open()).send(outboundMessage())).rejects.toMatchObject({ kind: 'temporary', opts: { code: 'LimitExceededException', scope: 'connection' } });
  });

  it('test() reads GetAccount, signed, and reports the quota', async () => {
    esp().reply(() => ({ body: { SendingEnabled: true, ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 200 } } }));
    expect(await ses().test()).toEqual({ ok: true, detail: 'SES eu-west-1: 200 of 50000 sent in the last 24 h, up to 14/s' });
    const req = esp().last();
    expect([req.method, req.path]).toEqual(['GET', '/v2/email/account']);
    const sig = expectedSignature(req, CREDENTIALS.secret_access_key);
    expect(sig.signature).toBe(sig.expected);
  });

  it('test() fails when AWS has switched sending off for the account', async () => {
    esp().reply(() => ({ body: { SendingEnabled: false, SendQuota: {} } }));
    await expect(ses().test()).rejects.toMatchObject({ kind: 'permanent', opts: { scope: 'connection' } });
  });

  it('puts Cc and Bcc of transactional mail in the destination of the raw message', async () => {
    await (await ses().open()).send(outboundMessage({ stream: 'transactional', cc: ['cc@example.com'], bcc: ['b1@example.com'] }));
    expect(esp().lastJson().Destination).toEqual({ ToAddresses: ['zoe@example.com'], CcAddresses: ['cc@example.com'], BccAddresses: ['b1@example.com'] });
  });
});
