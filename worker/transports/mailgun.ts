import { utf8 } from '../lib/encoding';
import { MESSAGE_ID_KEY, apiBase, callProvider, field, jsonOf, statelessSession, type ErrorReader } from './provider-http';
import { envelopeRecipients, type Transport } from './transport';

export interface MailgunSettings {
  /** The sending domain as configured in Mailgun. */
  domain: string;
  region: 'us' | 'eu';
  api_base?: string;
}

export interface MailgunCredentials {
  api_key: string;
}

const REGION_BASE = { us: 'https://api.mailgun.net', eu: 'https://api.eu.mailgun.net' } as const;

/** `{ message }`; a bad key gets a plain-text "Forbidden". */
const readError: ErrorReader = (body) => {
  const message = field(body, 'message');
  return message ? { message } : {};
};

/**
 * Mailgun `messages.mime`: the DKIM-signed MIME goes out as it is. Mailgun's tracking would rewrite
 * the body and break Edgepost's signature, so it is off for these messages (`o:tracking`).
 */
export function mailgunTransport(settings: MailgunSettings, credentials: MailgunCredentials): Transport {
  const base = apiBase(settings.api_base, REGION_BASE[settings.region]);
  const auth = { authorization: `Basic ${btoa(`api:${credentials.api_key}`)}` };
  const domain = encodeURIComponent(settings.domain);

  return {
    kind: 'mailgun',
    async open() {
      return statelessSession(async (message) => {
        const form = new FormData();
        for (const to of envelopeRecipients(message)) form.append('to', to);
        form.append('message', new Blob([utf8(message.raw)], { type: 'message/rfc822' }), 'message.eml');
        form.append(`v:${MESSAGE_ID_KEY}`, message.id);
        form.append('o:tag', message.stream);
        form.append('o:tracking', 'no');
        const res = await callProvider('Mailgun', `${base}/v3/${domain}/messages.mime`, { method: 'POST', headers: auth, body: form }, readError);
        return { externalId: field(await jsonOf(res), 'id') ?? message.id };
      });
    },
    async test() {
      const res = await callProvider('Mailgun', `${base}/v4/domains/${domain}`, { method: 'GET', headers: auth }, readError);
      const info = (await jsonOf(res)).domain;
      const state = field(info, 'state') ?? 'unknown';
      return { ok: true, detail: `Mailgun domain ${settings.domain} (${settings.region.toUpperCase()}) found, state: ${state}` };
    },
  };
}
