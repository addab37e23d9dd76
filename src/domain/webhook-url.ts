/**
 * Which URLs a service may register as its webhook endpoint. Permís POSTs to the URL from
 * inside the city's network, so a URL must not point at private infrastructure (SSRF).
 *
 * The policy, checked on the URL as the WHATWG URL parser normalises it (so `0x7f.1`,
 * `2130706433` and `[::ffff:10.0.0.1]` are seen as the addresses they are):
 * - `https:`, or `http:` only for the loopback hosts `localhost`, `127.0.0.1`, `[::1]`
 *   (so a receiver on the developer's machine works);
 * - no user name or password in the URL, no fragment, at most 2,048 characters;
 * - a literal IP address must not be in a private, link-local, shared, multicast or
 *   reserved range: IPv4 0/8, 10/8, 100.64/10, 169.254/16, 172.16/12, 192.168/16, 224/4,
 *   240/4; IPv6 ::, fc00::/7, fe80::/10, ff00::/8, and IPv4-mapped/compatible forms of the
 *   IPv4 ranges. Loopback (127/8, ::1) is allowed: it reaches only Permís's own host.
 *
 * Host names are not resolved here (a name's addresses change): on Node.js the delivery
 * client resolves the name at each delivery, refuses it when an address is private, loopback
 * or link-local ({@link refusedDeliveryAddress}) and connects to the address it checked
 * (src/entry/webhook-fetch.ts); on Workers, Cloudflare's network cannot reach private
 * addresses. Redirects are never followed by the delivery job, so a public URL cannot bounce
 * a request inward.
 */
import { RuleError } from './errors.js';

/** Longest accepted endpoint URL. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Parses a dotted-quad IPv4 address (the only form the WHATWG parser leaves in `hostname`). */
function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** Why an IPv4 address is refused, or undefined when it is allowed. */
function refusedIpv4([a, b]: number[]): string | undefined {
  if (a === 0) return 'in the "this network" range 0.0.0.0/8';
  if (a === 10) return 'in the private range 10.0.0.0/8';
  if (a === 100 && b! >= 64 && b! <= 127) return 'in the shared address range 100.64.0.0/10';
  if (a === 169 && b === 254) return 'in the link-local range 169.254.0.0/16';
  if (a === 172 && b! >= 16 && b! <= 31) return 'in the private range 172.16.0.0/12';
  if (a === 192 && b === 168) return 'in the private range 192.168.0.0/16';
  if (a! >= 224) return 'in a multicast or reserved range (224.0.0.0/3)';
  return undefined;
}

/**
 * Expands a bracketed IPv6 host as the WHATWG URL serialiser writes it (lowercase hex
 * groups, at most one `::`, never a dotted IPv4 tail) into eight 16-bit groups.
 */
function ipv6(host: string): number[] | undefined {
  if (!/^\[[0-9a-f:]+\]$/.test(host)) return undefined;
  const s = host.slice(1, -1);
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (x: string | undefined) => (!x ? [] : x.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const out = [...head, ...Array<number>(halves.length === 1 ? 0 : fill).fill(0), ...tail];
  return out.every((g) => Number.isInteger(g)) ? out : undefined;
}

/** Why an IPv6 address is refused, or undefined when it is allowed. */
function refusedIpv6(g: number[]): string | undefined {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'the unspecified address ::';
  if (zeroUpTo(7) && g[7] === 1) return undefined; // ::1 loopback
  // IPv4-mapped ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) and IPv4-compatible ::a.b.c.d (§2.5.5.1)
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) {
    const v4 = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
    return refusedIpv4(v4);
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return 'in the unique-local range fc00::/7';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'in the link-local range fe80::/10';
  if ((g[0]! & 0xff00) === 0xff00) return 'in the multicast range ff00::/8';
  return undefined;
}

/** True when `hostname` (as `URL.hostname` gives it) is a loopback host that may use http. */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname.toLowerCase());

/**
 * Returns the normalised endpoint URL if the policy above allows it; otherwise throws a
 * RuleError `webhook_url_refused` (400) saying why.
 */
export function checkWebhookUrl(input: string): string {
  const refuse = (why: string): never => {
    throw new RuleError('webhook_url_refused', `The webhook URL is refused: ${why}.`, {
      errors: [{ field: 'body.url', message: why }],
    });
  };
  if (input.length > MAX_WEBHOOK_URL_LENGTH) refuse(`it is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse('it is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('only https URLs are accepted');
  if (url.username || url.password) refuse('it must not contain a user name or password');
  if (url.hash) refuse('it must not contain a fragment');
  const host = url.hostname.toLowerCase();
  if (!host) refuse('it has no host');
  if (url.protocol === 'http:' && !isLoopbackHost(host)) {
    refuse('plain http is accepted only for localhost, 127.0.0.1 and [::1]; use https');
  }
  const v4 = ipv4(host);
  if (v4) {
    const why = refusedIpv4(v4);
    if (why) refuse(`${host} is ${why}`);
  } else if (host.startsWith('[')) {
    const v6 = ipv6(host);
    if (!v6) refuse('its IPv6 address cannot be parsed');
    const why = refusedIpv6(v6!);
    if (why) refuse(`${host} is ${why}`);
  }
  return url.toString();
}

/**
 * Why a resolved address may not receive a webhook at delivery time, or undefined when it may:
 * the ranges above and loopback too (127.0.0.0/8, ::1, their IPv4-mapped forms), since a
 * public host name must not lead back into Permís's own host or network. Anything that is not
 * a plain IPv4 or IPv6 address (a zone id, say) is refused. Used by the Node delivery client
 * (src/entry/webhook-fetch.ts) on the addresses DNS gives, before it connects to one of them.
 */
export function refusedDeliveryAddress(address: string): string | undefined {
  const a = address.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(a);
  const v4 = ipv4(mapped ? mapped[1]! : a);
  if (v4) return v4[0] === 127 ? 'in the loopback range 127.0.0.0/8' : refusedIpv4(v4);
  const v6 = ipv6(`[${a}]`);
  if (!v6) return 'not a plain IP address';
  if (v6.slice(0, 7).every((x) => x === 0) && v6[7] === 1) return 'the loopback address ::1';
  if (v6.slice(0, 5).every((x) => x === 0) && (v6[5] === 0xffff || v6[5] === 0) && v6[6]! >> 8 === 127) return 'in the loopback range 127.0.0.0/8';
  return refusedIpv6(v6);
}
