/**
 * A mail transport for runtimes without SMTP sockets (Cloudflare Workers): each message is
 * POSTed as JSON to an HTTP mail API or relay (`MAIL_HTTP_URL`), with a bearer token
 * (`MAIL_HTTP_TOKEN`). The body is
 * `{ "from", "to", "subject", "text", "html", "headers": { … }, "language" }`; any 2xx
 * means accepted, a 4xx other than 408 and 429 a permanent refusal, anything else (5xx,
 * network error) a temporary one. docs/notifications.md shows a relay in a few lines.
 */
import { MailSendError, type MailTransport } from './mail-transport.js';

/** The part of `fetch` the transport uses. */
export type MailFetch = (url: string, init: RequestInit) => Promise<Response>;

/** A transport that POSTs each message to `url`. */
export function httpMailTransport(opts: { url: string; token?: string | undefined; fetch: MailFetch }): MailTransport {
  return {
    async send(mail) {
      let res: Response;
      try {
        res = await opts.fetch(opts.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
          body: JSON.stringify(mail),
          redirect: 'manual',
        });
      } catch (err) {
        throw new MailSendError(`network error: ${err instanceof Error ? err.message : String(err)}`, false);
      }
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return;
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new MailSendError(`mail API answered ${res.status}`, permanent);
    },
  };
}
