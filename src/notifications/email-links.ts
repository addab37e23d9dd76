/**
 * What the links in e-mails do, for whoever holds them (no session needed): confirm the
 * address a confirmation was sent to (double opt-in), or stop all e-mail to the address a
 * message was sent to (RFC 8058 one-click unsubscribe). A link acts on exactly the address row
 * it was made for; a tampered, foreign or expired link is refused with 400 `link_invalid`.
 */
import { readLinkToken } from '../crypto/link-token.js';
import { RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { confirmAddress, deleteAddressById, findAddressById } from '../storage/notification-settings-repo.js';
import { requireMail } from './notification-config.js';

const invalid = () => new RuleError('link_invalid', 'This link is not valid, or no longer: ask for a new one from your notification settings.');

/**
 * Confirms the address a confirmation link names. Returns `confirmed` (now or before). An
 * address replaced or removed since the link was sent cannot be confirmed with it.
 */
export async function confirmEmailAddress(tx: Sql, deps: AppDeps, token: string, requestId?: string): Promise<{ citizenId: string; already: boolean }> {
  const mail = requireMail(deps.config.notifications);
  const id = await readLinkToken(mail.linkKey, 'confirm', token, deps.clock.now());
  const row = id ? await findAddressById(tx, id, true) : undefined;
  if (!row) throw invalid();
  if (row.status === 'confirmed') return { citizenId: row.citizenId, already: true };
  await confirmAddress(tx, row.id, deps.clock.now());
  await insertAuditEvent(tx, { id: uuidv7(deps.clock, deps.random), type: 'email.confirmed', actorType: 'citizen', actorId: row.citizenId, citizenId: row.citizenId, requestId, data: {}, createdAt: deps.clock.now() });
  return { citizenId: row.citizenId, already: false };
}

/**
 * Stops e-mail to the address an unsubscribe link names by removing it (queued messages are
 * then skipped). Idempotent: a link whose address is already gone answers as done, so a mail
 * client repeating its one-click POST sees success. Returns true when this call removed it.
 */
export async function unsubscribeEmailAddress(tx: Sql, deps: AppDeps, token: string, requestId?: string): Promise<boolean> {
  const mail = requireMail(deps.config.notifications);
  const id = await readLinkToken(mail.linkKey, 'unsubscribe', token, deps.clock.now());
  if (!id) throw invalid();
  const citizenId = await deleteAddressById(tx, id);
  if (!citizenId) return false;
  await insertAuditEvent(tx, { id: uuidv7(deps.clock, deps.random), type: 'email.unsubscribed', actorType: 'citizen', actorId: citizenId, citizenId, requestId, data: {}, createdAt: deps.clock.now() });
  return true;
}
