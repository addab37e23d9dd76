/**
 * Security notices: a new sign-in (a new session) or a new passkey on the citizen's account.
 * They cannot be turned off, so a citizen whose account is used by someone else hears of it.
 */
import { dedupeKey } from '../domain/notifications.js';
import type { Sql } from '../storage/db.js';
import { notifyCitizen, type NotifyDeps } from './notify-citizen.js';

/** Longest user-agent text kept in a notice (enough to name the browser and system). */
const MAX_AGENT = 160;

/** Tells the citizen that a new session was opened on their account (call in the sign-in's transaction). */
export async function notifySignedIn(tx: Sql, deps: NotifyDeps, s: { citizenId: string; sessionId: string; userAgent?: string | undefined }): Promise<void> {
  await notifyCitizen(tx, deps, {
    citizenId: s.citizenId,
    type: 'security.signed_in',
    key: dedupeKey.signedIn(s.sessionId),
    data: { sessionId: s.sessionId, ...(s.userAgent ? { userAgent: s.userAgent.slice(0, MAX_AGENT) } : {}) },
  });
}

/** Tells the citizen that a passkey was added to their account (call in the transaction that stores it). */
export async function notifyPasskeyAdded(tx: Sql, deps: NotifyDeps, p: { citizenId: string; passkeyId: string; name: string }): Promise<void> {
  await notifyCitizen(tx, deps, {
    citizenId: p.citizenId,
    type: 'security.passkey_added',
    key: dedupeKey.passkeyAdded(p.passkeyId),
    data: { passkeyName: p.name.slice(0, 100) },
  });
}
