/**
 * The Node.js mail transport: nodemailer over SMTP (RFC 5321) to the server named by
 * `SMTP_URL` (`smtp://user:pass@host:587` with STARTTLS when offered, `smtps://…:465` for
 * implicit TLS). A 5xx reply (RFC 5321 §4.2.1, permanent) is reported as such, so the message
 * goes to the dead letters instead of being retried for a day.
 */
import nodemailer from 'nodemailer';
import { MailSendError, type MailTransport } from '../notifications/mail-transport.js';

/** A transport for `smtpUrl`; `close()` ends its pooled connections. */
export function smtpTransport(smtpUrl: string): MailTransport & { close(): void } {
  const transporter = nodemailer.createTransport(smtpUrl, {
    // No message is worth a hung job: connect, greet and answer within these.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  } as never);
  return {
    async send(mail) {
      try {
        await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: mail.headers,
          // Plain text only: no tracking pixels, no images, no attachments.
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (err) {
        const e = err as { responseCode?: unknown; code?: unknown; message?: unknown };
        const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        const text = `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : String(err)}`;
        throw new MailSendError(text, code !== undefined && code >= 500 && code < 600);
      }
    },
    close() {
      transporter.close();
    },
  };
}
