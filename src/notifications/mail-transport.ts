/**
 * What the core needs to send an e-mail, and what it needs to write one. The runtime entry
 * injects both: on Node.js an SMTP transport (nodemailer, `SMTP_URL`), on Workers an HTTP mail
 * API (`MAIL_HTTP_URL`, see http-mail-transport.ts); the portal writes the texts.
 */
import type { NotificationType } from '../domain/notifications.js';
import { PermisError } from '../domain/errors.js';
import type { NotificationRow } from '../storage/notifications-repo.js';

/** One message to hand to the mail system; multipart text and HTML, no attachments. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header fields, e.g. `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058). */
  headers: Record<string, string>;
  /** The language of the message (RFC 3282 `Content-Language`). */
  language: 'ca' | 'es' | 'en';
}

/** Sends mail. Throws {@link MailSendError} when the message was not accepted. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * A message the mail system did not accept. `permanent` when retrying cannot help (an SMTP
 * 5xx reply, RFC 5321 §4.2.1; a 4xx answer of a mail API): the mail goes to the dead letters
 * at once. Otherwise it is retried with backoff.
 */
export class MailSendError extends PermisError {
  readonly permanent: boolean;
  constructor(detail: string, permanent: boolean) {
    super('mail_unavailable', detail);
    this.name = 'MailSendError';
    this.permanent = permanent;
  }
}

/** The links a message may carry; all absolute URLs on the public origin, none redirecting. */
export interface MailLinks {
  /** Where the notification leads (the consent, the request, the account). */
  open: string;
  /** The citizen's notification settings. */
  settings: string;
  /** Stop e-mail to this address (RFC 8058 one-click, and a page with a button). */
  unsubscribe?: string;
  /** Confirm this address (only in the confirmation message). */
  confirm?: string;
}

/** What a message is about, for the composer. */
export interface ComposeInput {
  language: 'ca' | 'es' | 'en';
  kind: 'confirmation' | 'notification';
  /** The notification (kind `notification`). */
  notification?: NotificationRow & { type: NotificationType };
  /** The name of the service the notification is about, in the three languages. */
  serviceName?: Record<string, string> | undefined;
  links: MailLinks;
  /** IANA time zone in which dates are written. */
  timeZone: string;
}

/** The subject and bodies of a message. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** Writes a message (the portal does, with its own wording). */
export type MailComposer = (input: ComposeInput) => MailContent | Promise<MailContent>;
