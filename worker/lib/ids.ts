import { randomBytes } from './crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Time-ordered ids (`usr_01hx…`): 48-bit millisecond time + 80 random bits in Crockford base32,
 * like a ULID. Sorting by id sorts by creation time, which is what cursor pagination relies on.
 */
function encodeTime(ms: number): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** Every id of this prefix made before `ms` sorts below this bound (a range scan of the primary key by time). */
export const idsBefore = (prefix: string, ms: number) => `${prefix}_${encodeTime(ms)}`;

export function newId(prefix: string, now = Date.now()): string {
  const time = encodeTime(now);
  let rand = '';
  for (let i = 0; i < RANDOM_CHARS; i++) rand += CROCKFORD[nextRandomByte() % 32];
  return `${prefix}_${time}${rand}`;
}

const RANDOM_CHARS = 16;
/**
 * Random bytes drawn from a pool refilled 4 KiB at a time: one getRandomValues call per id cost
 * ~6 µs, which dominated bulk paths (an import makes two ids per row).
 */
let pool = new Uint8Array(0);
let poolAt = 0;
function nextRandomByte(): number {
  // Filled on first use: workerd refuses random values at global scope.
  if (poolAt === pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
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
  template: 'tpl',
  templateVersion: 'tpv',
  sendingDomain: 'dom',
  dkimKey: 'dkk',
  /** Test sends: tracking and unsubscribe links in them never change a contact. */
  testMessage: 'tst',
  transport: 'trn',
  transportRoute: 'trr',
  campaign: 'cmp',
  message: 'msg',
  deliveryEvent: 'dle',
  webhookEndpoint: 'whe',
  webhookDelivery: 'whd',
  trackingDomain: 'tkd',
} as const;
