/** Sign-in with a discoverable passkey: no user name, the credential says who it is. */
import {
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  authenticationOptions,
  verifyAssertion,
} from '../crypto/passkeys.js';
import { AuthenticationError, UnauthenticatedError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { type CitizenRow, findCitizen } from '../storage/citizens.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { findPasskey, recordPasskeyUse } from '../storage/passkeys.js';
import type { AppDeps } from '../core/deps.js';
import { notifySignedIn } from '../notifications/notify-security.js';
import { newChallenge, type OpenedSession, openSession, storeChallenge, takeChallenge } from './ceremony.js';

const failed = (detail: string) => new AuthenticationError('passkey_verification_failed', detail);

/** Starts a sign-in: request options with an empty allow list (discoverable credentials). */
export async function startSignin(deps: AppDeps): Promise<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const challenge = newChallenge(deps);
  const options = await authenticationOptions(deps.config, { challenge: challenge.bytes });
  const ceremonyId = await storeChallenge(deps, { purpose: 'signin', challenge: options.challenge });
  return { ceremonyId, options };
}

/**
 * Finishes a sign-in: the credential must be registered, its owner not erased, the user
 * handle must match the owner (WebAuthn L3 §7.2 step 6), and the assertion must verify
 * with a growing counter. Then the counter, a new session and the audit event are written
 * in one transaction.
 */
export async function finishSignin(
  deps: AppDeps,
  req: { ceremonyId: string; response: AuthenticationResponseJSON; userAgent?: string; requestId?: string },
): Promise<{ citizen: CitizenRow; session: OpenedSession }> {
  const ch = await takeChallenge(deps, { ceremonyId: req.ceremonyId, purpose: 'signin' });
  // WebAuthn L3 §7.2 step 5: the credential must be one we registered.
  const passkey = await findPasskey(deps.db, req.response.id);
  if (!passkey) throw new AuthenticationError('passkey_unknown', 'This passkey is not registered here.');
  const citizen = await findCitizen(deps.db, passkey.citizenId);
  if (!citizen || citizen.erasedAt) throw new UnauthenticatedError('This account no longer exists.');
  // WebAuthn L3 §7.2 step 6: with no user identified beforehand, userHandle is required and must be the owner's.
  if (!req.response.response.userHandle || req.response.response.userHandle !== citizen.webauthnUserId) {
    throw failed('The passkey does not belong to this account.');
  }
  const verified = await verifyAssertion(deps.config, req.response, ch.challenge, {
    id: passkey.id,
    publicKey: passkey.publicKey,
    counter: passkey.counter,
    transports: passkey.transports,
    deviceType: passkey.deviceType,
  });
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const updated = await recordPasskeyUse(tx, passkey.id, {
      previousCounter: passkey.counter,
      newCounter: verified.newCounter,
      backedUp: verified.backedUp,
      usedAt: now,
    });
    if (!updated) throw failed('The passkey was used concurrently; try again.');
    const session = await openSession(deps, tx, citizen.id, req.userAgent);
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'citizen.signed_in',
      citizenId: citizen.id,
      requestId: req.requestId,
      data: { passkeyId: passkey.id, sessionId: session.id },
      at: now,
    });
    await notifySignedIn(tx, deps, { citizenId: citizen.id, sessionId: session.id, userAgent: req.userAgent });
    return { citizen, session };
  });
}
