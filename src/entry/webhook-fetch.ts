/**
 * The Node.js HTTP client of webhook delivery: resolve, check, connect to the checked address.
 * An endpoint's host name is resolved when the request is made (not when it was registered),
 * every address it resolves to is checked (src/domain/webhook-url.ts: no private, loopback,
 * link-local, shared or reserved address), and the connection goes to the address that was
 * checked — the name is not resolved again, so a DNS answer that changes between the check and
 * the connection (DNS rebinding) cannot slip past. TLS still verifies the certificate against
 * the host name (SNI and the certificate check use the URL's host, not the address).
 *
 * undici's Agent takes a `connect.lookup`, which it hands to `net.connect`/`tls.connect`; the
 * lookup answers with checked addresses only.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch as undiciFetch } from 'undici';
import { refusedDeliveryAddress } from '../domain/webhook-url.js';
import type { FetchLike } from '../jobs/webhook-delivery.js';

/** Options for {@link webhookFetch}. */
export interface WebhookFetchOptions {
  /** Deliver to private and loopback addresses too (WEBHOOK_ALLOW_PRIVATE: local receivers, tests). */
  allowPrivate: boolean;
  /** How names are resolved; default `node:dns` `lookup` (the system resolver). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const systemResolve = (host: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/** An error a refused destination fails the request with (the delivery log shows its code). */
export class RefusedDestinationError extends Error {
  readonly code = 'EPRIVATEADDRESS';
  constructor(host: string, address: string, why: string) {
    super(`refused: ${host} resolves to ${address}, ${why}`);
    this.name = 'RefusedDestinationError';
  }
}

/**
 * The `lookup` of `net.connect` that resolves `host`, refuses it when any address it has is
 * refused, and answers with the checked addresses.
 */
export function checkedLookup(opts: WebhookFetchOptions) {
  const resolve = opts.resolve ?? systemResolve;
  return (host: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    resolve(host).then(
      (all) => {
        const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
        const addresses = family === 0 ? all : all.filter((a) => a.family === family);
        if (addresses.length === 0) return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), []);
        if (!opts.allowPrivate) {
          // One bad address refuses the name: a host that mixes public and private answers is not trusted.
          for (const a of addresses) {
            const why = refusedDeliveryAddress(a.address);
            if (why) return callback(new RefusedDestinationError(host, a.address, why), []);
          }
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}

/**
 * A `fetch` for webhook delivery whose connections go only to checked addresses (see above).
 * Literal IP hosts are checked the same way (`net.connect` calls `lookup` for names only, so
 * they are checked here first).
 */
export function webhookFetch(opts: WebhookFetchOptions): FetchLike {
  const dispatcher = new Agent({ connect: { lookup: checkedLookup(opts) } });
  return async (url, init) => {
    if (!opts.allowPrivate) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (/^[\d.]+$/.test(host) || host.includes(':')) {
        const why = refusedDeliveryAddress(host);
        if (why) throw new TypeError('fetch failed', { cause: new RefusedDestinationError(host, host, why) });
      }
    }
    return (await undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as Response;
  };
}
