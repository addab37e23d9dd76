/**
 * A passkey ceremony whose challenge commits to a statement: SHA-256(nonce ‖ digest…), over a
 * raw 32-byte nonce and raw 32-byte SHA-256 digests. Accepting a relationship commits to its
 * terms; approving on someone's behalf commits to the consent's terms and to the basis.
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { b64url, concat, fromB64, sha256 } from '@permis/sdk/encoding';
import { challengeInvalid, storeChallenge, takeChallenge } from '../account/ceremony.js';
import type { AppDeps } from '../core/deps.js';
import { coseToJwk } from '../crypto/cose-to-jwk.js';
import { authenticationOptions, verifyAssertion } from '../crypto/passkeys.js';
import { canonicalJsonText } from '../crypto/canonical-json.js';
import { AuthenticationError } from '../domain/errors.js';
import type { Sql } from '../storage/db.js';
import { findPasskey, listPasskeys, type PasskeyRow, recordPasskeyUse } from '../storage/passkeys.js';
import type { ChallengePurpose } from '../storage/webauthn-challenges.js';

/** base64url SHA-256 of the RFC 8785 canonical JSON of `value`. */
export async function statementHash(value: unknown): Promise<string> {
  return b64url(await sha256(canonicalJsonText(value)));
}

/** SHA-256(nonce ‖ digest₁ ‖ … ‖ digestₙ): the challenge an authenticator signs. */
export async function boundChallenge(nonce: Uint8Array, digests: readonly string[]): Promise<Uint8Array> {
  return sha256(concat(nonce, ...digests.map((d) => fromB64(d))));
}

/** A started ceremony. */
export interface BoundCeremony {
  ceremonyId: string;
  options: PublicKeyCredentialRequestOptionsJSON;
  nonce: string;
}

/** Starts a ceremony for `citizenId`'s own passkeys whose challenge commits to `digests`; `context` travels to the finish. */
export async function startBoundCeremony(
  deps: AppDeps,
  c: { purpose: ChallengePurpose; citizenId: string; digests: readonly string[]; context: Record<string, unknown> },
): Promise<BoundCeremony> {
  const nonce = deps.random.bytes(32);
  const challenge = await boundChallenge(nonce, c.digests);
  const passkeys = await listPasskeys(deps.db, c.citizenId);
  const options = await authenticationOptions(deps.config, { challenge, allow: passkeys.map((p) => ({ id: p.id, transports: p.transports })) });
  const ceremonyId = await storeChallenge(deps, { purpose: c.purpose, challenge: options.challenge, citizenId: c.citizenId, context: { ...c.context, nonce: b64url(nonce), digests: c.digests } });
  return { ceremonyId, options, nonce: b64url(nonce) };
}

/** The passkey signature a receipt or a revision carries: enough to verify it offline. */
export interface PasskeySignature {
  nonce: string;
  credentialId: string;
  publicKeyJwk: Record<string, unknown>;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

/** A verified assertion, waiting for its counter to be recorded in the caller's transaction. */
export interface VerifiedBoundAssertion {
  context: Record<string, unknown>;
  passkey: PasskeyRow;
  newCounter: number;
  backedUp: boolean;
  signature: PasskeySignature;
}

const failed = (detail: string) => new AuthenticationError('passkey_verification_failed', detail);

/**
 * Takes the ceremony back (once), recomputes the challenge from the digests it committed to
 * (`expectDigests`, when given, must be exactly those), and verifies that `citizenId`'s own
 * passkey signed it. Throws `challenge_invalid` or `passkey_verification_failed`.
 */
export async function finishBoundCeremony(
  deps: AppDeps,
  c: { purpose: ChallengePurpose; citizenId: string; ceremonyId: string; response: AuthenticationResponseJSON; expectDigests?: readonly string[] },
): Promise<VerifiedBoundAssertion> {
  const ch = await takeChallenge(deps, { ceremonyId: c.ceremonyId, purpose: c.purpose, citizenId: c.citizenId });
  const ctx = ch.context as Record<string, unknown> & { nonce?: string; digests?: string[] };
  if (!ctx.nonce || !Array.isArray(ctx.digests)) throw challengeInvalid();
  if (c.expectDigests && (c.expectDigests.length !== ctx.digests.length || c.expectDigests.some((d, i) => d !== ctx.digests![i]))) throw challengeInvalid();
  // The binding the authenticator signs: recompute it rather than trust storage.
  if (b64url(await boundChallenge(fromB64(ctx.nonce), ctx.digests)) !== ch.challenge) throw challengeInvalid();
  const passkey = await findPasskey(deps.db, c.response.id);
  if (!passkey || passkey.citizenId !== c.citizenId) throw failed('This passkey is not registered to you.');
  const verified = await verifyAssertion(deps.config, c.response, ch.challenge, passkey);
  return {
    context: ctx,
    passkey,
    newCounter: verified.newCounter,
    backedUp: verified.backedUp,
    signature: {
      nonce: ctx.nonce,
      credentialId: passkey.id,
      publicKeyJwk: coseToJwk(passkey.publicKey),
      authenticatorData: c.response.response.authenticatorData,
      clientDataJSON: c.response.response.clientDataJSON,
      signature: c.response.response.signature,
    },
  };
}

/** Records the passkey's new counter in the act's transaction; a concurrent use of it fails the act. */
export async function commitPasskeyUse(tx: Sql, deps: AppDeps, v: VerifiedBoundAssertion): Promise<void> {
  const ok = await recordPasskeyUse(tx, v.passkey.id, { previousCounter: v.passkey.counter, newCounter: v.newCounter, backedUp: v.backedUp, usedAt: deps.clock.now() });
  if (!ok) throw failed('The passkey was used concurrently; try again.');
}
