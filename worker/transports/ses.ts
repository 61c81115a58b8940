import { AwsClient } from 'aws4fetch';
import { toBase64, utf8 } from '../lib/encoding';
import { MESSAGE_ID_KEY, apiBase, callProvider, field, jsonOf, postJson, statelessSession, type ErrorReader, type Fetcher } from './provider-http';
import { TransportError, type Transport } from './transport';

export interface SesSettings {
  region: string;
  configuration_set?: string;
  api_base?: string;
}

export interface SesCredentials {
  access_key_id: string;
  secret_access_key: string;
}

/** SES v2 error types about the account or its configuration, whatever the status: no message gets through. */
const ACCOUNT_ERRORS = new Set(['AccountSuspendedException', 'MailFromDomainNotVerifiedException', 'NotFoundException']);
/** Sending rate, daily quota, or sending paused by AWS review: the account recovers on its own. */
const THROTTLE_ERRORS = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException', 'SendingPausedException']);

/** restJson1 errors: the type in `x-amzn-ErrorType` (or `__type`), possibly namespaced or suffixed with a URL. */
const readError: ErrorReader = (body, res) => {
  const raw = res.headers.get('x-amzn-errortype') ?? field(body, '__type') ?? field(body, 'code') ?? '';
  const type = raw.split(':')[0]!.split('#').pop()!;
  const message = field(body, 'message') ?? field(body, 'Message');
  if (ACCOUNT_ERRORS.has(type)) return { message, code: type, kind: 'permanent', scope: 'connection' };
  if (THROTTLE_ERRORS.has(type)) return { message, code: type, kind: 'temporary', scope: 'connection' };
  return { message, ...(type ? { code: type } : {}) };
};

/**
 * Amazon SES v2 `SendEmail` with `Content.Raw`: Edgepost's DKIM-signed MIME goes out byte for byte
 * (SES adds its own signature for its domain). Requests are signed with SigV4 by aws4fetch, with
 * retries off: retrying is the send queue's job, with the backoff it chooses.
 */
export function sesTransport(settings: SesSettings, credentials: SesCredentials): Transport {
  const base = apiBase(settings.api_base, `https://email.${settings.region}.amazonaws.com`);
  const aws = new AwsClient({
    accessKeyId: credentials.access_key_id,
    secretAccessKey: credentials.secret_access_key,
    service: 'ses',
    region: settings.region,
    retries: 0,
  });
  const signed: Fetcher = (url, init) => aws.fetch(url, init);

  return {
    kind: 'ses',
    async open() {
      return statelessSession(async (message) => {
        const res = await postJson(
          'SES',
          `${base}/v2/email/outbound-emails`,
          {},
          {
            Destination: { ToAddresses: message.to, ...(message.cc?.length ? { CcAddresses: message.cc } : {}), ...(message.bcc?.length ? { BccAddresses: message.bcc } : {}) },
            Content: { Raw: { Data: toBase64(utf8(message.raw)) } },
            EmailTags: [
              { Name: MESSAGE_ID_KEY, Value: message.id },
              { Name: 'stream', Value: message.stream },
            ],
            ...(settings.configuration_set ? { ConfigurationSetName: settings.configuration_set } : {}),
          },
          readError,
          signed,
        );
        return { externalId: field(await jsonOf(res), 'MessageId') ?? message.id };
      });
    },
    async test() {
      const account = await jsonOf(await callProvider('SES', `${base}/v2/email/account`, { method: 'GET' }, readError, signed));
      if (account.SendingEnabled === false) {
        throw new TransportError(`SES sending is disabled for this account in ${settings.region}`, 'permanent', { scope: 'connection', code: 'SendingDisabled' });
      }
      const quota = (account.SendQuota ?? {}) as { Max24HourSend?: number; MaxSendRate?: number; SentLast24Hours?: number };
      const sandbox = account.ProductionAccessEnabled === false ? ' (sandbox: verified recipients only)' : '';
      return {
        ok: true,
        detail: `SES ${settings.region}: ${quota.SentLast24Hours ?? 0} of ${quota.Max24HourSend ?? '?'} sent in the last 24 h, up to ${quota.MaxSendRate ?? '?'}/s${sandbox}`,
      };
    },
  };
}
