/** A signed-in citizen adds another passkey to their account (a registration ceremony). */
import { type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON, registrationOptions, verifyRegistration } from '../crypto/passkeys.js';
import { fromB64 } from '@permis/sdk/encoding';
import { UnauthenticatedError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { findCitizen } from '../storage/citizens.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { insertPasskey, listPasskeys, type PasskeyRow } from '../storage/passkeys.js';
import type { AppDeps, CitizenPrincipal } from '../core/deps.js';
import { newChallenge, storeChallenge, takeChallenge } from './ceremony.js';
import { storePasskey } from './store-passkey.js';
import { notifyPasskeyAdded } from '../notifications/notify-security.js';

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
