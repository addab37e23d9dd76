import type { AppDeps } from '../core/deps.js';
import { httpMailTransport } from '../notifications/http-mail-transport.js';
import type { MailTransport } from '../notifications/mail-transport.js';
import type { Env } from './config.js';
import { smtpTransport } from './smtp-transport.js';

/**
 * The mail transport of a Node.js process: SMTP when `SMTP_URL` is set, else the HTTP mail API
 * when `MAIL_HTTP_URL` is, else none (with `MAIL_FROM` set, mail waits in the outbox for a
 * process that has a transport; a warning says so).
 */
export function nodeMailTransport(env: Env, log: NonNullable<AppDeps['log']>): (MailTransport & { close(): void }) | undefined {
  if (env.SMTP_URL) return smtpTransport(env.SMTP_URL);
  if (env.MAIL_HTTP_URL) return { ...httpMailTransport({ url: env.MAIL_HTTP_URL, token: env.MAIL_HTTP_TOKEN, fetch: (u, i) => fetch(u, i) }), close() {} };
  if (env.MAIL_FROM) log('warn', 'MAIL_FROM is set but neither SMTP_URL nor MAIL_HTTP_URL: e-mail stays queued until a process that can send runs');
  return undefined;
}
