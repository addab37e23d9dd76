import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { coseToJwk } from '../crypto/cose-to-jwk.js';
import { authenticationOptions, verifyAssertion } from '../crypto/passkeys.js';
import { canonicalJson, termsHash } from '../crypto/terms-hash.js';
import { assertTermsAllowed, validityCapDays } from '../domain/catalogue.js';
import { type ConsentTerms, effectiveStatus } from '../domain/consent.js';
import { b64url, fromB64 } from '@permis/sdk/encoding';
import { AuthenticationError, ConflictError, NotFoundError } from '../domain/errors.js';
import { assertRenewable, renewalValidUntil, renewedTerms } from '../domain/renewal.js';
import { challengeInvalid, storeChallenge, takeChallenge } from '../account/ceremony.js';
import type { AppDeps } from '../core/deps.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import { type ConsentRow, findCitizenConsent, type ReceiptRow } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { findPasskey, listPasskeys, recordPasskeyUse } from '../storage/passkeys.js';
import { closePendingRenewal } from '../storage/renewal-requests-repo.js';
import { getService } from '../storage/services-repo.js';
import { termsChallenge } from './approve-request.js';
import { assertNoticeCurrent } from './notice-current.js';
import { recordTransition } from './record-transition.js';

/** What the citizen's client needs to run the renewal ceremony, and to check what it signs. */
export interface RenewalCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
  /** The renewed terms: the consent's terms with the new validity. */
  terms: ConsentTerms;
  termsHash: string;
  nonce: string;
}

/**
 * Checks that the citizen's consent can be renewed now and returns the renewed terms: live,
 * its service active and still registered for these terms, its notice unchanged, the new
 * validity within the catalogue's cap.
 */
async function renewalTerms(tx: Sql, deps: AppDeps, citizenId: string, consentId: string, lock: boolean, asked?: Date): Promise<{ consent: ConsentRow; terms: ConsentTerms }> {
  const now = deps.clock.now();
  const consent = await findCitizenConsent(tx, citizenId, consentId, lock);
  if (!consent) throw new NotFoundError('consent');
  assertRenewable(effectiveStatus(consent.status, consent.valid_until, now));
  const service = await getService(tx, consent.service_id);
  if (service?.status !== 'active') throw new ConflictError('service_suspended', 'This service is suspended and cannot receive consents.');
  const t = consent.terms;
  const selection = { purposes: t.purposes, categories: t.dataCategories, processing: t.processing };
  const known = await resolveTerms(tx, selection);
  assertTermsAllowed(service, selection);
  await assertNoticeCurrent(tx, deps, consent);
  const validUntil = renewalValidUntil(t, now, validityCapDays(known, t.purposes), asked);
  return { consent, terms: renewedTerms(t, now, validUntil) };
}

/**
 * What renewing the citizen's consent now would give (the renewed terms), for a page to show
 * before the ceremony; throws what {@link startRenewal} would (ended, notice changed, …).
 */
export async function previewRenewal(deps: AppDeps, citizenId: string, consentId: string): Promise<{ consent: ConsentRow; terms: ConsentTerms }> {
  return renewalTerms(deps.db, deps, citizenId, consentId, false);
}

/**
 * Starts renewing a consent: fixes the renewed terms (the same terms, valid from now until
 * `validUntil` or as long again, capped by the catalogue), draws a nonce and returns
 * authentication options whose challenge is SHA-256(nonce ‖ termsHash) of the renewed terms,
 * limited to the citizen's own passkeys.
 */
export async function startRenewal(deps: AppDeps, citizenId: string, consentId: string, opts: { validUntil?: Date | undefined } = {}): Promise<RenewalCeremony> {
  const { consent, terms } = await deps.db.transaction((tx) => renewalTerms(tx, deps, citizenId, consentId, false, opts.validUntil));
  const hash = await termsHash(terms);
  const nonce = deps.random.bytes(32);
  const challenge = await termsChallenge(nonce, hash);
  const passkeys = await listPasskeys(deps.db, citizenId);
  const options = await authenticationOptions(deps.config, { challenge, allow: passkeys.map((p) => ({ id: p.id, transports: p.transports })) });
  // The approval purpose: a renewal approves terms too; the context says which consent it renews.
  const ceremonyId = await storeChallenge(deps, {
    purpose: 'approve',
    challenge: options.challenge,
    citizenId,
    context: { renewConsentId: consent.id, revision: consent.revision, nonce: b64url(nonce), terms },
  });
  return { ceremonyId, options, terms, termsHash: hash, nonce: b64url(nonce) };
}

const failed = (detail: string) => new AuthenticationError('passkey_verification_failed', detail);

/** True when `renewed` repeats `terms` exactly, apart from the validity. */
const sameTermsButValidity = (renewed: ConsentTerms, terms: ConsentTerms): boolean =>
  canonicalJson({ ...renewed, validFrom: '', validUntil: '' }) === canonicalJson({ ...terms, validFrom: '', validUntil: '' });

/**
 * Renews the consent with the passkey assertion over the renewed terms: verifies that the
 * citizen's own passkey signed SHA-256(nonce ‖ termsHash) for exactly the terms fixed at the
 * start, then records revision n+1 (`renewed`) with its receipt carrying the citizen's
 * signature, the `consent.renewed` webhook, and closes the service's renewal request, all in
 * one transaction. Refused (409 `conflict`) when the consent moved on since the start.
 */
export async function renewConsent(
  deps: AppDeps,
  citizenId: string,
  consentId: string,
  body: { ceremonyId: string; response: AuthenticationResponseJSON },
  httpRequestId?: string,
): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const ch = await takeChallenge(deps, { ceremonyId: body.ceremonyId, purpose: 'approve', citizenId });
  const ctx = ch.context as { renewConsentId?: string; revision?: number; nonce?: string; terms?: ConsentTerms };
  if (ctx.renewConsentId !== consentId || !ctx.nonce || !ctx.terms || typeof ctx.revision !== 'number') throw challengeInvalid();
  const terms = ctx.terms;
  const hash = await termsHash(terms);
  // The binding the citizen's authenticator signs: recompute it rather than trust storage.
  if (b64url(await termsChallenge(fromB64(ctx.nonce), hash)) !== ch.challenge) throw challengeInvalid();
  const passkey = await findPasskey(deps.db, body.response.id);
  if (!passkey || passkey.citizenId !== citizenId) throw failed('This passkey is not registered to you.');
  const verified = await verifyAssertion(deps.config, body.response, ch.challenge, passkey);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const { consent: prev } = await renewalTerms(tx, deps, citizenId, consentId, true);
    if (prev.revision !== ctx.revision || !sameTermsButValidity(terms, prev.terms)) {
      throw new ConflictError('conflict', 'The consent changed since the renewal started; start it again.', { currentRevision: prev.revision });
    }
    if (!(await recordPasskeyUse(tx, passkey.id, { previousCounter: passkey.counter, newCounter: verified.newCounter, backedUp: verified.backedUp, usedAt: now }))) {
      throw failed('The passkey was used concurrently; try again.');
    }
    const next: ConsentRow = {
      ...prev,
      revision: prev.revision + 1,
      terms,
      terms_hash: hash,
      valid_from: new Date(terms.validFrom),
      valid_until: new Date(terms.validUntil),
    };
    const result = await recordTransition(tx, deps, {
      prev,
      next,
      event: 'renewed',
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
    await closePendingRenewal(tx, prev.id, 'renewed', now);
    return result;
  });
}
