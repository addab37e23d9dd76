import type { NotificationType } from '../domain/notifications.js';

/**
 * The portal path a notification leads to: the consent (its renewal page for a reminder or a
 * renewal request), the request, or the account. Links go straight there: no redirect, nothing
 * counted on the way.
 */
export function notificationTarget(n: { type: NotificationType; consentId: string | null; requestId: string | null }): string {
  switch (n.type) {
    case 'consent.expiring':
    case 'consent.renewal_requested':
      return n.consentId ? `/consents/${n.consentId}/renew` : '/consents';
    case 'consent.expired':
    case 'consent.revoked':
      return n.consentId ? `/consents/${n.consentId}` : '/consents';
    case 'request.waiting':
    case 'request.expiring':
      return n.requestId ? `/requests/${n.requestId}` : '/';
    case 'acted_on_behalf':
      return n.consentId ? `/consents/${n.consentId}` : n.requestId ? `/requests/${n.requestId}` : '/access-log';
    case 'security.signed_in':
    case 'security.passkey_added':
      return '/account';
  }
}
