/**
 * The transport kinds and their fields, as worker/transports/registry.ts (TRANSPORT_SPECS) defines
 * them: the form shows these, the API validates. Browser-safe: the add/edit dialog switches kinds.
 */
export const TRANSPORT_KINDS = ['smtp', 'ses', 'sendgrid', 'mailgun', 'postmark', 'resend', 'cloudflare'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

export interface TransportField {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'url';
  options?: { value: string; label: string }[];
  required?: boolean;
  defaultValue?: string;
  placeholder?: string;
  hint?: string;
}

export interface CredentialField {
  name: string;
  label: string;
  /** Never shown back: the field stays empty and says a value is stored. */
  secret: boolean;
  required: boolean;
}

export interface TransportKindSpec {
  label: string;
  description: string;
  settings: TransportField[];
  credentials: CredentialField[];
}

const API_BASE: TransportField = {
  name: 'api_base',
  label: 'API address (optional)',
  type: 'url',
  placeholder: 'https://…',
  hint: 'Only for a regional endpoint or a test server; empty uses the provider’s.',
};

export const TRANSPORT_KIND_SPECS: Record<TransportKind, TransportKindSpec> = {
  smtp: {
    label: 'SMTP',
    description: 'Any mail server or relay that speaks SMTP.',
    settings: [
      { name: 'host', label: 'Host', required: true, placeholder: 'smtp.example.com' },
      { name: 'port', label: 'Port', type: 'number', required: true, defaultValue: '587', hint: '587 (STARTTLS), 465 (TLS) or 2525. Workers cannot use port 25 in production.' },
      {
        name: 'security',
        label: 'Security',
        defaultValue: 'starttls',
        options: [
          { value: 'starttls', label: 'STARTTLS (upgrade after connecting, port 587)' },
          { value: 'tls', label: 'TLS from the start (port 465)' },
          { value: 'none', label: 'None (plain text; local test servers only)' },
        ],
      },
    ],
    credentials: [
      { name: 'username', label: 'User name', secret: false, required: false },
      { name: 'password', label: 'Password', secret: true, required: false },
    ],
  },
  ses: {
    label: 'Amazon SES',
    description: 'Amazon Simple Email Service, version 2 API.',
    settings: [
      { name: 'region', label: 'Region', required: true, placeholder: 'eu-west-1' },
      { name: 'configuration_set', label: 'Configuration set (optional)' },
      API_BASE,
    ],
    credentials: [
      { name: 'access_key_id', label: 'Access key ID', secret: false, required: true },
      { name: 'secret_access_key', label: 'Secret access key', secret: true, required: true },
    ],
  },
  sendgrid: { label: 'SendGrid', description: 'Twilio SendGrid’s v3 mail API.', settings: [API_BASE], credentials: [{ name: 'api_key', label: 'API key', secret: true, required: true }] },
  mailgun: {
    label: 'Mailgun',
    description: 'Mailgun’s messages API for one of your Mailgun domains.',
    settings: [
      { name: 'domain', label: 'Mailgun domain', required: true, placeholder: 'mg.example.com' },
      {
        name: 'region',
        label: 'Region',
        defaultValue: 'us',
        options: [
          { value: 'us', label: 'US' },
          { value: 'eu', label: 'EU' },
        ],
      },
      API_BASE,
    ],
    credentials: [{ name: 'api_key', label: 'API key', secret: true, required: true }],
  },
  postmark: {
    label: 'Postmark',
    description: 'Postmark, with separate message streams for marketing and transactional mail.',
    settings: [
      { name: 'marketing_stream', label: 'Marketing (broadcast) stream', defaultValue: 'broadcast' },
      { name: 'transactional_stream', label: 'Transactional stream', defaultValue: 'outbound' },
      API_BASE,
    ],
    credentials: [{ name: 'server_token', label: 'Server token', secret: true, required: true }],
  },
  resend: { label: 'Resend', description: 'Resend’s email API.', settings: [API_BASE], credentials: [{ name: 'api_key', label: 'API key', secret: true, required: true }] },
  cloudflare: {
    label: 'Cloudflare Email Service',
    description: 'Cloudflare’s own sending, for transactional mail only (its terms forbid marketing mail).',
    settings: [],
    credentials: [],
  },
};

export const isTransportKind = (value: string): value is TransportKind => (TRANSPORT_KINDS as readonly string[]).includes(value);

/** Form field names: `settings.host`, `credentials.password` (as the API names them in its errors). */
export const settingField = (name: string) => `settings.${name}`;
export const credentialField = (name: string) => `credentials.${name}`;

/**
 * The add or edit form as the API's body. Blank optional settings are left out (the API's defaults
 * apply). Credentials are write-only: on an edit a blank field keeps the stored value, so only the
 * fields typed are sent; on a new transport the blanks are simply absent.
 */
export function transportFromForm(kind: TransportKind, form: FormData) {
  const spec = TRANSPORT_KIND_SPECS[kind];
  const value = (name: string) => String(form.get(name) ?? '').trim();
  const settings: Record<string, string | number> = {};
  for (const f of spec.settings) {
    const raw = value(settingField(f.name));
    if (raw === '') continue;
    settings[f.name] = f.type === 'number' ? Number(raw) : raw;
  }
  const credentials: Record<string, string> = {};
  for (const f of spec.credentials) {
    const raw = value(credentialField(f.name));
    if (raw !== '') credentials[f.name] = raw;
  }
  return { name: value('name'), settings, credentials };
}

/** One line about where a transport sends: "smtp.example.com:587 (STARTTLS)", "eu-west-1". */
export function transportSummary(kind: TransportKind, settings: Record<string, unknown>): string {
  const s = (name: string) => (typeof settings[name] === 'string' || typeof settings[name] === 'number' ? String(settings[name]) : '');
  switch (kind) {
    case 'smtp':
      return `${s('host')}:${s('port')} (${s('security') === 'tls' ? 'TLS' : s('security') === 'none' ? 'no encryption' : 'STARTTLS'})`;
    case 'ses':
      return `Region ${s('region')}`;
    case 'mailgun':
      return `${s('domain')} (${s('region').toUpperCase() || 'US'})`;
    case 'postmark':
      return `Streams ${s('marketing_stream') || 'broadcast'} / ${s('transactional_stream') || 'outbound'}`;
    default:
      return s('api_base') || TRANSPORT_KIND_SPECS[kind].description;
  }
}

export const MAIL_STREAMS = ['marketing', 'transactional'] as const;
export type MailStream = (typeof MAIL_STREAMS)[number];

export interface TransportRoute {
  stream: MailStream;
  domain: string;
  transport_id: string;
  fallback_transport_id: string | null;
}

/** The routing table's rows as posted (one value per row under each name), in the API's shape. */
export function routesFromForm(form: FormData): TransportRoute[] {
  const column = (name: string) => form.getAll(name).map((v) => String(v).trim());
  const streams = column('route_stream');
  const domains = column('route_domain');
  const primaries = column('route_transport');
  const fallbacks = column('route_fallback');
  return streams.map((stream, i) => ({
    stream: stream === 'transactional' ? 'transactional' : 'marketing',
    domain: domains[i] || '*',
    transport_id: primaries[i] ?? '',
    fallback_transport_id: fallbacks[i] || null,
  }));
}
