/**
 * A citizen's opt-in e-mail channel: add (or replace) an address, send its confirmation link
 * again, remove it. The address is stored encrypted; it receives nothing but its confirmation
 * until the citizen follows the link (double opt-in, see email-links.ts).
 */
import { sealAddress } from '../crypto/address-seal.js';
import { normaliseEmailAddress } from '../domain/email-address.js';
import { ConflictError, NotFoundError, PermisError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { countConfirmationsSince, enqueueMail } from '../storage/notification-mail-repo.js';
import { deleteAddressById, type EmailAddressRow, findAddress, findSettings, type NotificationLanguage, replaceAddress, saveSettings } from '../storage/notification-settings-repo.js';
import { requireMail } from './notification-config.js';

/** Most confirmation messages one citizen may cause in a day (so nobody mails a stranger repeatedly through us). */
export const MAX_CONFIRMATIONS_PER_DAY = 5;

async function queueConfirmation(tx: Sql, deps: AppDeps, citizenId: string, addressId: string): Promise<void> {
  const now = deps.clock.now();
  if ((await countConfirmationsSince(tx, citizenId, new Date(now.getTime() - 86_400_000))) >= MAX_CONFIRMATIONS_PER_DAY) {
    throw new PermisError('rate_limited', `At most ${MAX_CONFIRMATIONS_PER_DAY} confirmation messages a day; try again tomorrow.`);
  }
  await enqueueMail(tx, { id: uuidv7(deps.clock, deps.random), citizenId, addressId, kind: 'confirmation', notificationId: null, eventType: 'email.confirmation', createdAt: now });
}

async function audit(tx: Sql, deps: AppDeps, citizenId: string, type: string, requestId?: string): Promise<void> {
  await insertAuditEvent(tx, { id: uuidv7(deps.clock, deps.random), type, actorType: 'citizen', actorId: citizenId, citizenId, requestId, data: {}, createdAt: deps.clock.now() });
}

/**
 * Sets the citizen's address (replacing any previous one, confirmed or not), unconfirmed, and
 * queues the message with its confirmation link, in `language` when given (it also becomes
 * the language of their notifications). 409 `mail_unavailable` when this installation sends
 * no e-mail; 429 after {@link MAX_CONFIRMATIONS_PER_DAY} confirmations in a day.
 */
export async function setEmailAddress(
  tx: Sql,
  deps: AppDeps,
  citizenId: string,
  input: { address: string; language?: NotificationLanguage | undefined; requestId?: string | undefined },
): Promise<EmailAddressRow> {
  const mail = requireMail(deps.config.notifications);
  const address = normaliseEmailAddress(input.address);
  const now = deps.clock.now();
  const row = { id: uuidv7(deps.clock, deps.random), citizenId, addressJwe: await sealAddress(address, citizenId, mail.addressKey), createdAt: now };
  await replaceAddress(tx, row);
  if (input.language || !(await findSettings(tx, citizenId))) await saveSettings(tx, citizenId, { language: input.language }, now);
  await queueConfirmation(tx, deps, citizenId, row.id);
  await audit(tx, deps, citizenId, 'email.added', input.requestId);
  return { ...row, status: 'unconfirmed', confirmedAt: null };
}

/** Queues the confirmation message again for the citizen's unconfirmed address; 404 without one, 409 once confirmed. */
export async function resendConfirmation(tx: Sql, deps: AppDeps, citizenId: string): Promise<void> {
  requireMail(deps.config.notifications);
  const row = await findAddress(tx, citizenId, true);
  if (!row) throw new NotFoundError('e-mail address');
  if (row.status === 'confirmed') throw new ConflictError('conflict', 'This address is already confirmed.');
  await queueConfirmation(tx, deps, citizenId, row.id);
}

/** Removes the citizen's address: nothing more is sent to it (queued messages are skipped). 404 without one. */
export async function removeEmailAddress(tx: Sql, deps: AppDeps, citizenId: string, requestId?: string): Promise<void> {
  const row = await findAddress(tx, citizenId, true);
  if (!row) throw new NotFoundError('e-mail address');
  await deleteAddressById(tx, row.id);
  await audit(tx, deps, citizenId, 'email.removed', requestId);
}
