import { dkimVerify } from 'mailauth/lib/dkim/verify';

/**
 * DKIM checked as a receiving mail server would: mailauth verifies the bytes that arrived, looking
 * the key up in a "DNS" that holds exactly what `GET /v1/domains` tells the tenant (and the
 * operator, for the platform domain) to publish.
 */
export interface DomainList {
  data: { domain: string; status: string; records: { kind: string; name: string; expected: string }[] }[];
  platform: { domain: string; from_email: string; dkim_record_name: string; dkim_record_value: string };
}

/** TXT records by name: the DKIM records of every domain in the list and the platform's. */
export function publishedDkimRecords(domains: DomainList): Map<string, string> {
  const published = new Map<string, string>();
  for (const d of domains.data) for (const r of d.records) if (r.kind === 'dkim') published.set(r.name, r.expected);
  published.set(domains.platform.dkim_record_name, domains.platform.dkim_record_value);
  return published;
}

/** The first DKIM result of a raw message, verified against the published records only; anything else does not exist. */
export async function verifyDkim(raw: string, published: Map<string, string>) {
  const resolver = async (name: string, type: string) => {
    const value = published.get(name.toLowerCase().replace(/\.$/, ''));
    if (type === 'TXT' && value) return [[value]];
    throw Object.assign(new Error(`NXDOMAIN ${name}`), { code: 'ENOTFOUND' });
  };
  return (await dkimVerify(raw, { resolver })).results[0]!;
}

/** The header names in the DKIM signature's h= tag, lower-cased. */
export const signedHeaders = (raw: string) =>
  raw
    .slice(0, raw.indexOf('\r\n\r\n'))
    .split(/\r\n(?![ \t])/)
    .find((f) => /^dkim-signature:/i.test(f))!
    .replace(/\s+/g, '')
    .match(/;h=([^;]+)/)![1]!
    .toLowerCase()
    .split(':');
