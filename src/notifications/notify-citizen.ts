/**
 * The one way anything tells a citizen something. Call it inside the transaction of the
 * event it reports: the notification (and its e-mail, when the citizen confirmed an address
 * and wants e-mail for this type) commits with the event or not at all (transactional
 * outbox). The dedupe key makes it idempotent: the same event told twice — by two replicas,
 * after a restart, by a retried request — yields one notification.
 */
import { channelOn, type NotificationType } from '../domain/notifications.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import { enqueueMail } from '../storage/notification-mail-repo.js';
import { findAddress, findSettings } from '../storage/notification-settings-repo.js';
import { insertNotification } from '../storage/notifications-repo.js';
import { mailSettings } from './notification-config.js';

/** What to tell whom. */
export interface NotifyInput {
  citizenId: string;
  type: NotificationType;
  /** Names the event (see `dedupeKey` in src/domain/notifications.ts); unique per citizen. */
  key: string;
  consentId?: string | null | undefined;
  requestId?: string | null | undefined;
  /** What the text needs (service id, dates, names); never secrets. */
  data?: Record<string, unknown>;
}

/** What {@link notifyCitizen} did. */
export interface NotifyResult {
  /** False when the citizen was told already, or turned this type off. */
  created: boolean;
  /** True when an e-mail was queued as well. */
  mailed: boolean;
}

/** The dependencies notifying needs. */
export type NotifyDeps = Pick<AppDeps, 'clock' | 'random' | 'config'>;

/**
 * Records a notification for the citizen in `tx` unless they already have one with this key
 * or turned its type off in the inbox, and queues its e-mail when they have a confirmed
 * address and want e-mail for this type. Security notices ignore the citizen's choices.
 */
export async function notifyCitizen(tx: Sql, deps: NotifyDeps, n: NotifyInput): Promise<NotifyResult> {
  const muted = (await findSettings(tx, n.citizenId))?.muted ?? {};
  if (!channelOn(n.type, 'inbox', muted)) return { created: false, mailed: false };
  const now = deps.clock.now();
  const id = uuidv7(deps.clock, deps.random);
  const created = await insertNotification(tx, {
    id,
    citizenId: n.citizenId,
    type: n.type,
    dedupeKey: n.key,
    consentId: n.consentId ?? null,
    requestId: n.requestId ?? null,
    data: n.data ?? {},
    createdAt: now,
  });
  if (!created || !mailSettings(deps.config.notifications) || !channelOn(n.type, 'email', muted)) return { created, mailed: false };
  const address = await findAddress(tx, n.citizenId);
  // An unconfirmed address receives nothing but its confirmation.
  if (address?.status !== 'confirmed') return { created, mailed: false };
  await enqueueMail(tx, {
    id: uuidv7(deps.clock, deps.random),
    citizenId: n.citizenId,
    addressId: address.id,
    kind: 'notification',
    notificationId: id,
    eventType: n.type,
    createdAt: now,
  });
  return { created, mailed: true };
}

/** Who acted on the citizen's behalf, and what they did. */
export interface ActedOnBehalfInput {
  /** The citizen on whose behalf someone acted. */
  citizenId: string;
  /** How the actor is shown to the citizen (their display name). */
  actorName: string;
  /** What was done, as an audit event type, e.g. `consent.granted` or `request.approved`. */
  action: string;
  /** Names this act (e.g. its audit event id), so telling it twice tells it once. */
  key: string;
  consentId?: string | null | undefined;
  requestId?: string | null | undefined;
  serviceId?: string | null | undefined;
}

/**
 * Tells a citizen that someone acted on their behalf (a representative, a guardian). For the
 * representation operations to call in the transaction of the act.
 */
export async function notifyActedOnBehalf(tx: Sql, deps: NotifyDeps, a: ActedOnBehalfInput): Promise<NotifyResult> {
  return notifyCitizen(tx, deps, {
    citizenId: a.citizenId,
    type: 'acted_on_behalf',
    key: `acted_on_behalf:${a.key}`,
    consentId: a.consentId,
    requestId: a.requestId,
    data: { actorName: a.actorName, action: a.action, ...(a.serviceId ? { serviceId: a.serviceId } : {}) },
  });
}
