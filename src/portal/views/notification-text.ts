/**
 * What a notification says, in one language: the same words in the inbox and in its e-mail.
 * The text is written when it is read, from the notification's type and data, so a citizen who
 * changes language reads every notification in the new one.
 */
import type { ConsentEvent } from '../../domain/consent.js';
import { consentEvents } from '../../domain/consent.js';
import type { NotificationType } from '../../domain/notifications.js';
import type { Locale } from '../i18n/locale.js';
import type { MessageKey, T } from '../messages/index.js';

/** The title, body and link label of a notification. */
export interface NotificationText {
  title: string;
  body: string;
  action: string;
}

/** A notification as the texts need it. */
export interface NotificationForText {
  type: NotificationType;
  data: Record<string, unknown>;
  createdAt: Date;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A date in `locale` and `timeZone`, e.g. "27 de novembre de 2026". */
export function longDate(locale: Locale, timeZone: string, d: Date | string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone }).format(new Date(d));
}

/** A date and time in `locale` and `timeZone`. */
function longDateTime(locale: Locale, timeZone: string, d: Date | string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(d));
}

/** The words for what someone did on the citizen's behalf (an audit event type such as `consent.granted`). */
function actionLabel(t: T, action: string): string {
  const event = action.startsWith('consent.') ? action.slice('consent.'.length) : '';
  return (consentEvents as readonly string[]).includes(event) ? t(`event.${event as ConsentEvent}` as MessageKey) : action;
}

/** The text of `n` in `locale`; `serviceName` is the name of the service it is about, if any. */
export function notificationText(t: T, locale: Locale, timeZone: string, n: NotificationForText, serviceName?: Record<string, string>): NotificationText {
  const d = n.data;
  const params: Record<string, string | number> = {
    service: serviceName?.[locale] ?? t('notify.unknownService'),
    date: longDate(locale, timeZone, str(d.validUntil) ?? str(d.expiresAt) ?? n.createdAt),
    days: typeof d.days === 'number' ? d.days : 0,
  };
  if (n.type === 'acted_on_behalf') {
    params.actor = str(d.actorName) ?? '?';
    params.action = actionLabel(t, str(d.action) ?? '');
    params.date = longDate(locale, timeZone, n.createdAt);
  } else if (n.type === 'consent.revoked') {
    params.date = longDate(locale, timeZone, n.createdAt);
  } else if (n.type === 'security.signed_in') {
    params.date = longDateTime(locale, timeZone, n.createdAt);
    params.device = str(d.userAgent) ?? t('notify.unknownDevice');
  } else if (n.type === 'security.passkey_added') {
    params.date = longDateTime(locale, timeZone, n.createdAt);
    params.name = str(d.passkeyName) ?? '?';
  }
  const key = (part: 'title' | 'body' | 'action') => `notify.${n.type}.${part}` as MessageKey;
  return { title: t(key('title'), params), body: t(key('body'), params), action: t(key('action'), params) };
}
