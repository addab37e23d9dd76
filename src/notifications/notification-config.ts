import { DEFAULT_REMINDER_DAYS, DEFAULT_REQUEST_REMINDER_HOURS } from '../domain/notifications.js';
import { ConflictError } from '../domain/errors.js';

/** Settings of citizens' notifications; built in `src/entry/` from the environment. */
export interface NotificationConfig {
  /** Days before a consent ends when its reminders fall due (default 30 and 7). */
  reminderDays?: readonly number[];
  /** Hours before a pending request expires when the citizen is warned (default 48). */
  requestReminderHours?: number;
  /**
   * 32-byte key that encrypts stored e-mail addresses (derived from the key-encryption key
   * with HKDF, RFC 5869). Without it no address can be stored or read.
   */
  addressKey?: Uint8Array;
  /** 32-byte HMAC key of the confirmation and unsubscribe links (derived likewise). */
  linkKey?: Uint8Array;
  /** The `From` of every e-mail (RFC 5322 mailbox). Unset: e-mail is not offered. */
  mailFrom?: string;
}

/** The keys and sender of the e-mail channel, when it is configured. */
export interface MailSettings {
  addressKey: Uint8Array;
  linkKey: Uint8Array;
  from: string;
}

/** The reminder settings with their defaults. */
export function reminderSettings(cfg: NotificationConfig | undefined): { reminderDays: readonly number[]; requestReminderHours: number } {
  return {
    reminderDays: cfg?.reminderDays?.length ? cfg.reminderDays : DEFAULT_REMINDER_DAYS,
    requestReminderHours: cfg?.requestReminderHours ?? DEFAULT_REQUEST_REMINDER_HOURS,
  };
}

/** The e-mail channel's settings, or undefined when e-mail is not offered. */
export function mailSettings(cfg: NotificationConfig | undefined): MailSettings | undefined {
  return cfg?.addressKey && cfg.linkKey && cfg.mailFrom ? { addressKey: cfg.addressKey, linkKey: cfg.linkKey, from: cfg.mailFrom } : undefined;
}

/** The e-mail channel's settings; 409 `mail_unavailable` when this installation sends no e-mail. */
export function requireMail(cfg: NotificationConfig | undefined): MailSettings {
  const m = mailSettings(cfg);
  if (!m) throw new ConflictError('mail_unavailable', 'This installation does not send e-mail.');
  return m;
}

/** The key that opens stored addresses (for the export), even when sending is switched off. */
export function addressKeyOf(cfg: NotificationConfig | undefined): Uint8Array | undefined {
  return cfg?.addressKey;
}
