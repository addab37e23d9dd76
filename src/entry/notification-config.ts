import { deriveKey } from '../crypto/derive-key.js';
import type { NotificationConfig } from '../notifications/notification-config.js';
import type { Env } from './config.js';

/**
 * The notification settings from the environment: reminder thresholds (`REMINDER_DAYS`), the
 * keys of stored addresses and e-mail links (HKDF sub-keys of the key-encryption key, RFC
 * 5869), and the sender. E-mail is offered when a way to send it is configured (`SMTP_URL`,
 * `MAIL_HTTP_URL`) or `MAIL_FROM` is set (another process with a transport sends the queue).
 */
export async function notificationConfig(env: Env, kek: Uint8Array, publicUrl: string): Promise<NotificationConfig> {
  const mailOn = Boolean(env.SMTP_URL || env.MAIL_HTTP_URL || env.MAIL_FROM);
  return {
    reminderDays: env.REMINDER_DAYS,
    addressKey: await deriveKey(kek, 'permis e-mail address v1'),
    linkKey: await deriveKey(kek, 'permis e-mail link v1'),
    ...(mailOn ? { mailFrom: env.MAIL_FROM ?? `"${env.RP_NAME}" <no-reply@${new URL(publicUrl).hostname}>` } : {}),
  };
}
