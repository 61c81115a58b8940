import { randomBytes } from './crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Time-ordered ids (`usr_01hx…`): 48-bit millisecond time + 80 random bits in Crockford base32,
 * like a ULID. Sorting by id sorts by creation time, which is what cursor pagination relies on.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (const b of randomBytes(16)) rand += CROCKFORD[b % 32];
  return `${prefix}_${time}${rand}`;
}

export const ID_PREFIX = {
  tenant: 'ten',
  user: 'usr',
  membership: 'mem',
  invitation: 'inv',
  session: 'ses',
  refreshToken: 'rtk',
  apiKey: 'key',
  audit: 'aud',
  job: 'job',
  emailToken: 'etk',
  backupCode: 'bkc',
  notification: 'ntf',
  contact: 'con',
  tag: 'tag',
  customField: 'fld',
  suppression: 'sup',
  list: 'lst',
  segment: 'seg',
  form: 'frm',
  contactEvent: 'evt',
  importUpload: 'upl',
} as const;
