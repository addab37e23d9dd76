import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { coseToJwk } from '../crypto/cose-to-jwk.js';
import { authenticationOptions, verifyAssertion } from '../crypto/passkeys.js';
import { termsHash } from '../crypto/terms-hash.js';
import type { ConsentTerms } from '../domain/consent.js';
import { b64url, concat, fromB64, sha256 } from '@permis/sdk/encoding';
import { AuthenticationError, ConflictError } from '../domain/errors.js';
import { getService } from '../storage/services-repo.js';
import { storeChallenge, takeChallenge, challengeInvalid } from '../account/ceremony.js';
import type { AppDeps } from '../core/deps.js';
import type { ConsentRow, ReceiptRow } from '../storage/consents-repo.js';
import { findPasskey, listPasskeys, recordPasskeyUse } from '../storage/passkeys.js';
import { decideRequest, type RequestRow } from '../storage/requests-repo.js';
import { assertPending, citizenRequest, recordRequestOutcome } from './decide-request.js';
import { createConsent } from './grant-consent.js';
import { pickLanguage, requestTerms } from './request-terms.js';

/**
 * The WebAuthn challenge that commits to the terms: SHA-256(nonce ‖ termsHash),
 * over the raw 32-byte nonce and the raw 32-byte SHA-256 digest that `termsHash` encodes.
 */
export async function termsChallenge(nonce: Uint8Array, termsHashB64url: string): Promise<Uint8Array> {
  return sha256(concat(nonce, fromB64(termsHashB64url)));
}

/** What the citizen's client needs to run the terms-bound ceremony, and to check the binding itself. */
export interface ApprovalCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
  terms: ConsentTerms;
  termsHash: string;
  nonce: string;
}

/**
 * Starts the approval of a request: fixes the terms (valid from now), draws a nonce and
 * returns authentication options whose challenge is SHA-256(nonce ‖ termsHash), limited to
 * the citizen's own passkeys.
 */
export async function startApproval(deps: AppDeps, citizenId: string, id: string, language?: 'ca' | 'es' | 'en'): Promise<ApprovalCeremony> {
  const { terms, hash, request } = await deps.db.transaction(async (tx) => {
    const request = await citizenRequest(tx, citizenId, id);
    assertPending(request, deps.clock.now());
    const terms = await requestTerms(tx, deps, request, citizenId, pickLanguage(request, language));
    return { terms, hash: await termsHash(terms), request };
  });
  const nonce = deps.random.bytes(32);
  const challenge = await termsChallenge(nonce, hash);
  const passkeys = await listPasskeys(deps.db, citizenId);
  const options = await authenticationOptions(deps.config, { challenge, allow: passkeys.map((p) => ({ id: p.id, transports: p.transports })) });
  const ceremonyId = await storeChallenge(deps, {
    purpose: 'approve',
    challenge: options.challenge,
    citizenId,
    context: { requestId: request.id, nonce: b64url(nonce), terms },
  });
  return { ceremonyId, options, terms, termsHash: hash, nonce: b64url(nonce) };
}

const failed = (detail: string) => new AuthenticationError('passkey_verification_failed', detail);

/**
 * Approves a request with the terms-bound passkey assertion: verifies that the citizen's own
 * passkey signed SHA-256(nonce ‖ termsHash) for exactly the terms fixed at the start, then
 * creates the consent (its receipt carries the citizen's signature) and marks the request
 * approved, all in one transaction. A request can be approved once.
 */
export async function approveRequest(
  deps: AppDeps,
  citizenId: string,
  id: string,
  body: { ceremonyId: string; response: AuthenticationResponseJSON },
  httpRequestId?: string,
): Promise<{ consent: ConsentRow; receipt: ReceiptRow; request: RequestRow }> {
  const ch = await takeChallenge(deps, { ceremonyId: body.ceremonyId, purpose: 'approve', citizenId });
  const ctx = ch.context as { requestId?: string; nonce?: string; terms?: ConsentTerms };
  if (ctx.requestId !== id || !ctx.nonce || !ctx.terms) throw challengeInvalid();
  const hash = await termsHash(ctx.terms);
  // The binding the citizen's authenticator signs: recompute it rather than trust storage.
  if (b64url(await termsChallenge(fromB64(ctx.nonce), hash)) !== ch.challenge) throw challengeInvalid();
  const passkey = await findPasskey(deps.db, body.response.id);
  if (!passkey || passkey.citizenId !== citizenId) throw failed('This passkey is not registered to you.');
  const verified = await verifyAssertion(deps.config, body.response, ch.challenge, passkey);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const request = await citizenRequest(tx, citizenId, id, true);
    assertPending(request, now);
    if ((await getService(tx, request.service_id))?.status !== 'active') {
      throw new ConflictError('service_suspended', 'This service is suspended and cannot receive consents.');
    }
    if (!(await recordPasskeyUse(tx, passkey.id, { previousCounter: passkey.counter, newCounter: verified.newCounter, backedUp: verified.backedUp, usedAt: now }))) {
      throw failed('The passkey was used concurrently; try again.');
    }
    const { consent, receipt } = await createConsent(tx, deps, {
      terms: ctx.terms!,
      citizenId,
      actor: { type: 'citizen', id: citizenId },
      requestId: httpRequestId,
      citizenSignature: {
        nonce: ctx.nonce!,
        credentialId: passkey.id,
        publicKeyJwk: coseToJwk(passkey.publicKey),
        authenticatorData: body.response.response.authenticatorData,
        clientDataJSON: body.response.response.clientDataJSON,
        signature: body.response.response.signature,
      },
    });
    await tx.query('update consents set request_id = $2 where id = $1', [consent.id, request.id]);
    await decideRequest(tx, request.id, { status: 'approved', at: now, citizenId, consentId: consent.id });
    await recordRequestOutcome(tx, deps, request, { status: 'approved', actor: { type: 'citizen', id: citizenId }, citizenId, consentId: consent.id, httpRequestId });
    return { consent, receipt, request: { ...request, status: 'approved', decided_at: now, citizen_id: citizenId, consent_id: consent.id } };
  });
}
