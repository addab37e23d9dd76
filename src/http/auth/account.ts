/** A signed-in citizen's own passkeys and sessions: add, rename, remove, revoke. */
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  registrationOptions,
  verifyRegistration,
} from '../../crypto/passkeys.js';
import { fromB64 } from '../../domain/encoding.js';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../../domain/errors.js';
import { uuidv7 } from '../../domain/ids.js';
import { findCitizen, lockCitizen } from '../../storage/citizens.js';
import { recordCitizenEvent } from '../../storage/citizen-audit.js';
import { deletePasskey, insertPasskey, listPasskeys, type PasskeyRow, renamePasskey } from '../../storage/passkeys.js';
import { revokeSession } from '../../storage/sessions.js';
import type { AppDeps, CitizenPrincipal } from '../deps.js';
import { newChallenge, storeChallenge, takeChallenge } from './ceremony.js';
import { storePasskey } from './store-passkey.js';
import { notifyPasskeyAdded } from '../../notifications/notify-security.js';

/** Creation options for another passkey of the citizen, excluding the ones they already have. */
export async function startAddPasskey(
  deps: AppDeps,
  who: CitizenPrincipal,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const citizen = await findCitizen(deps.db, who.citizenId);
  if (!citizen || citizen.erasedAt) throw new UnauthenticatedError();
  const existing = await listPasskeys(deps.db, who.citizenId);
  const challenge = newChallenge(deps);
  const options = await registrationOptions(deps.config, {
    challenge: challenge.bytes,
    // The same user handle: the new credential belongs to the same account.
    userHandle: fromB64(citizen.webauthnUserId),
    userName: citizen.displayName,
    displayName: citizen.displayName,
    exclude: existing.map((p) => ({ id: p.id, transports: p.transports })),
  });
  const ceremonyId = await storeChallenge(deps, { purpose: 'add-passkey', challenge: options.challenge, citizenId: who.citizenId });
  return { ceremonyId, options };
}

/** Verifies the registration and stores the new passkey with its audit event. */
export async function finishAddPasskey(
  deps: AppDeps,
  who: CitizenPrincipal,
  req: { ceremonyId: string; response: RegistrationResponseJSON; name?: string; requestId?: string },
): Promise<PasskeyRow> {
  const ch = await takeChallenge(deps, { ceremonyId: req.ceremonyId, purpose: 'add-passkey', citizenId: who.citizenId });
  const cred = await verifyRegistration(deps.config, req.response, ch.challenge);
  const now = deps.clock.now();
  const row: PasskeyRow = { ...cred, citizenId: who.citizenId, name: req.name ?? 'Passkey', createdAt: now, lastUsedAt: null };
  return storePasskey(async (tx) => {
    await insertPasskey(tx, row);
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'passkey.added',
      citizenId: who.citizenId,
      requestId: req.requestId,
      data: { passkeyId: cred.id, sessionId: who.sessionId },
      at: now,
    });
    await notifyPasskeyAdded(tx, deps, { citizenId: who.citizenId, passkeyId: cred.id, name: row.name });
    return row;
  }, deps);
}

/** Renames one of the citizen's passkeys; 404 when it is not theirs. */
export async function renameOwnPasskey(deps: AppDeps, who: CitizenPrincipal, id: string, name: string, requestId?: string): Promise<PasskeyRow> {
  return deps.db.transaction(async (tx) => {
    const row = await renamePasskey(tx, who.citizenId, id, name);
    if (!row) throw new NotFoundError('passkey');
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'passkey.renamed',
      citizenId: who.citizenId,
      requestId,
      data: { passkeyId: id, sessionId: who.sessionId },
      at: deps.clock.now(),
    });
    return row;
  });
}

/** Removes one of the citizen's passkeys; 404 when not theirs, 409 `last_passkey` for the last one. */
export async function removeOwnPasskey(deps: AppDeps, who: CitizenPrincipal, id: string, requestId?: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (!(await lockCitizen(tx, who.citizenId))) throw new NotFoundError('passkey');
    const outcome = await deletePasskey(tx, who.citizenId, id);
    if (outcome === 'not_found') throw new NotFoundError('passkey');
    if (outcome === 'last') throw new ConflictError('last_passkey', 'Your last passkey cannot be removed; add another one first.');
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'passkey.removed',
      citizenId: who.citizenId,
      requestId,
      data: { passkeyId: id, sessionId: who.sessionId },
      at: deps.clock.now(),
    });
  });
}

/**
 * Revokes one of the citizen's live sessions (`signout` when it is the current one);
 * 404 when it is not theirs, already revoked or expired.
 */
export async function revokeOwnSession(
  deps: AppDeps,
  who: CitizenPrincipal,
  sessionId: string,
  requestId?: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (!(await revokeSession(tx, who.citizenId, sessionId, now))) throw new NotFoundError('session');
    const self = sessionId === who.sessionId;
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: self ? 'citizen.signed_out' : 'session.revoked',
      citizenId: who.citizenId,
      requestId,
      data: self ? { sessionId } : { sessionId, revokedBy: who.sessionId },
      at: now,
    });
  });
}
