import { describe, expect, test } from 'vitest';
import { routesFromForm, transportFromForm, transportSummary } from './transport-kinds';

const formOf = (entries: [string, string][]) => {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return form;
};

describe('the transport form', () => {
  test('SMTP: the port is a number, blank credentials (a relay without AUTH) are left out', () => {
    const form = formOf([
      ['name', ' Sink '],
      ['settings.host', '127.0.0.1'],
      ['settings.port', '1025'],
      ['settings.security', 'none'],
      ['credentials.username', ''],
      ['credentials.password', ''],
    ]);
    expect(transportFromForm('smtp', form)).toEqual({ name: 'Sink', settings: { host: '127.0.0.1', port: 1025, security: 'none' }, credentials: {} });
  });

  test('an edit sends only the secrets typed again; the others keep their stored value', () => {
    const form = formOf([
      ['name', 'SES'],
      ['settings.region', 'eu-west-1'],
      ['settings.api_base', ''],
      ['credentials.access_key_id', 'AKIAEXAMPLEEXAMPLE'],
      ['credentials.secret_access_key', ''],
    ]);
    expect(transportFromForm('ses', form)).toEqual({ name: 'SES', settings: { region: 'eu-west-1' }, credentials: { access_key_id: 'AKIAEXAMPLEEXAMPLE' } });
  });

  test('fields of another kind are ignored', () => {
    expect(transportFromForm('resend', formOf([['name', 'R'], ['settings.host', 'x'], ['credentials.api_key', 're_123']]))).toEqual({ name: 'R', settings: {}, credentials: { api_key: 're_123' } });
  });

  test('a summary says where the transport sends', () => {
    expect(transportSummary('smtp', { host: 'smtp.example.com', port: 465, security: 'tls' })).toBe('smtp.example.com:465 (TLS)');
    expect(transportSummary('mailgun', { domain: 'mg.example.com', region: 'eu' })).toBe('mg.example.com (EU)');
  });
});

describe('the routing table form', () => {
  test('one route per row; "all domains" is *, no fallback is null', () => {
    const form = formOf([
      ['route_stream', 'marketing'],
      ['route_domain', '*'],
      ['route_transport', 'trn_1'],
      ['route_fallback', 'trn_2'],
      ['route_stream', 'transactional'],
      ['route_domain', 'news.example.com'],
      ['route_transport', 'trn_2'],
      ['route_fallback', ''],
    ]);
    expect(routesFromForm(form)).toEqual([
      { stream: 'marketing', domain: '*', transport_id: 'trn_1', fallback_transport_id: 'trn_2' },
      { stream: 'transactional', domain: 'news.example.com', transport_id: 'trn_2', fallback_transport_id: null },
    ]);
  });

  test('no rows: an empty table (all mail through the platform relay)', () => {
    expect(routesFromForm(new FormData())).toEqual([]);
  });
});
