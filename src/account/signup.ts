/** Sign-up: a new citizen registers a discoverable passkey and gets a session. */
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  registrationOptions,
  verifyRegistration,
} from '../crypto/passkeys.js';
import { b64url } from '@permis/sdk/encoding';
import { uuidv7 } from '../domain/ids.js';
import { type CitizenRow, insertCitizen } from '../storage/citizens.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { insertPasskey } from '../storage/passkeys.js';
import type { AppDeps } from '../core/deps.js';
import { newChallenge, type OpenedSession, openSession, storeChallenge, takeChallenge } from './ceremony.js';
import { storePasskey } from './store-passkey.js';

/** Starts a sign-up: creation options for a new account named `displayName`. */
export async function startSignup(
  deps: AppDeps,
  displayName: string,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const challenge = newChallenge(deps);
  // WebAuthn L3 §14.6.1: the user handle is random, never the account id or anything personal.
  const userHandle = deps.random.bytes(32);
  const options = await registrationOptions(deps.config, { challenge: challenge.bytes, userHandle, userName: displayName, displayName });
  const ceremonyId = await storeChallenge(deps, {
    purpose: 'signup',
    challenge: options.challenge,
    context: { displayName, userHandle: b64url(userHandle) },
  });
  return { ceremonyId, options };
}

/**
 * Finishes a sign-up: verifies the registration, then creates the citizen, the passkey,
 * a session and the audit event in one transaction.
 */
export async function finishSignup(
  deps: AppDeps,
  req: { ceremonyId: string; response: RegistrationResponseJSON; passkeyName?: string; userAgent?: string; requestId?: string },
): Promise<{ citizen: CitizenRow; session: OpenedSession }> {
  const ch = await takeChallenge(deps, { ceremonyId: req.ceremonyId, purpose: 'signup' });
  const cred = await verifyRegistration(deps.config, req.response, ch.challenge);
  const now = deps.clock.now();
  const citizen: CitizenRow = {
    id: uuidv7(deps.clock, deps.random),
    webauthnUserId: String(ch.context.userHandle),
    displayName: String(ch.context.displayName),
    createdAt: now,
    erasedAt: null,
  };
  return storePasskey(async (tx) => {
    await insertCitizen(tx, citizen);
    await insertPasskey(tx, { ...cred, citizenId: citizen.id, name: req.passkeyName ?? 'Passkey', createdAt: now });
    const session = await openSession(deps, tx, citizen.id, req.userAgent);
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'citizen.signed_up',
      citizenId: citizen.id,
      requestId: req.requestId,
      data: { passkeyId: cred.id, sessionId: session.id },
      at: now,
    });
    return { citizen, session };
  }, deps);
}
