/**
 * Whether a webhook URL may be called: http(s) only, no credentials in it, and no address that reaches
 * inside a network — private (RFC 1918, RFC 4193), loopback, link-local (cloud metadata lives at
 * 169.254.169.254), carrier-grade NAT, unspecified, multicast and reserved ranges — checked on the
 * literal and on every address the host name resolves to, and again before each delivery (DNS can
 * change). Redirects are never followed by the caller, so a public URL cannot bounce inward.
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

export function checkWebhookUrlSyntax(raw: string): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'only http and https URLs can receive webhooks' };
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed: put a token in the path or query instead' };
  return { ok: true, url };
}

const v4 = (ip: string): number[] | null => {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.map(Number);
};

function privateV4([a, b]: number[]): boolean {
  return (
    a === 0 || a === 10 || a === 127 || a! >= 224 || // this network, private, loopback, multicast and reserved
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

/** Expands an IPv6 address to its eight 16-bit groups; null when it is not one. */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase();
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const q = v4(dotted[1]!);
    if (!q) return null;
    s = s.slice(0, -dotted[1]!.length) + `${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h ? h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : []);
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0 || [...head, ...tail].some(Number.isNaN)) return null;
  return [...head, ...Array(halves.length === 2 ? fill : 0).fill(0), ...tail];
}

function privateV6(g: number[]): boolean {
  if (g.slice(0, 7).every((x) => x === 0)) return g[7] === 0 || g[7] === 1; // unspecified, loopback
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return privateV4([g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255]); // IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b) return privateV4([g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255]); // NAT64
  return (g[0]! & 0xfe00) === 0xfc00 || (g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xff00) === 0xff00 || g[0] === 0x2001 && g[1] === 0xdb8; // unique local, link-local, multicast, documentation
}

/** True for an IP literal (v4 or v6, brackets allowed) in a range that must not be called. */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  const q = v4(h);
  if (q) return privateV4(q);
  const g = v6Groups(h);
  return g ? privateV6(g) : false;
}

export const isIpLiteral = (host: string) => v4(host) !== null || v6Groups(host.replace(/^\[|\]$/g, '')) !== null;

/** Names that mean this machine or its network whatever DNS says. */
const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|metadata\.google\.internal)$/i;

/**
 * The full check. `resolve` answers a host's A and AAAA addresses; a host that resolves to nothing,
 * or to any internal address, is refused. `allowPrivate` (development only) skips the address checks.
 */
export async function checkWebhookUrl(raw: string, opts: { allowPrivate: boolean; resolve: (host: string) => Promise<string[]> }): Promise<UrlVerdict> {
  const syntax = checkWebhookUrlSyntax(raw);
  if (!syntax.ok || opts.allowPrivate) return syntax;
  const host = syntax.url.hostname;
  if (isIpLiteral(host)) return isPrivateAddress(host) ? { ok: false, reason: 'private, loopback and link-local addresses cannot receive webhooks' } : syntax;
  if (LOCAL_NAMES.test(host)) return { ok: false, reason: 'local host names cannot receive webhooks' };
  let addresses: string[];
  try {
    addresses = await opts.resolve(host);
  } catch {
    return { ok: false, reason: `${host} could not be resolved` };
  }
  if (!addresses.length) return { ok: false, reason: `${host} has no address` };
  if (addresses.some(isPrivateAddress)) return { ok: false, reason: `${host} resolves to a private address` };
  return syntax;
}
