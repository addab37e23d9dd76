/**
 * Thin wrappers over @simplewebauthn/server: build ceremony options with our fixed policy
 * (discoverable credentials, user verification required, EdDSA/ES256/RS256) and verify
 * responses against our origin and RP id. Every library failure becomes a PermisError
 * `passkey_verification_failed`; no simplewebauthn error escapes this module.
 */
import {
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { AuthenticationError, PermisError, RuleError } from '../domain/errors.js';

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/** The part of the app configuration the passkey ceremonies need. */
export interface PasskeyConfig {
  publicUrl: string;
  rpId: string;
  rpName: string;
  challengeTtlSeconds: number;
}

/** COSE algorithms we accept, most preferred first: EdDSA (-8), ES256 (-7), RS256 (-257). */
export const supportedAlgorithmIDs = [-8, -7, -257];

/** Authenticator transports we store (WebAuthn L3 §5.8.4); anything else is dropped. */
const knownTransports = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/** A stored credential, as far as verifying an assertion needs it. */
export interface StoredCredential {
  /** Credential id, base64url. */
  id: string;
  /** COSE_Key bytes. */
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
}

/** What a verified registration yields, ready to store. */
export interface RegisteredCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

/** What a verified assertion yields. */
export interface VerifiedAssertion {
  credentialId: string;
  newCounter: number;
  backedUp: boolean;
}

/** The expected WebAuthn origin: the public URL's origin (scheme, host, port). */
export const expectedOrigin = (config: PasskeyConfig): string => new URL(config.publicUrl).origin;

/** A registration that does not verify: bad input from the client. */
function registrationFailed(detail: string, cause?: unknown): PermisError {
  return new RuleError('passkey_verification_failed', detail, {}, cause);
}

/** An assertion that does not verify: the caller is not authenticated. */
function assertionFailed(detail: string, cause?: unknown): PermisError {
  return new AuthenticationError('passkey_verification_failed', detail, { cause });
}

/** Option building fails only on a server misconfiguration (e.g. an invalid RP id): an internal error. */
function wrapInternal(err: unknown): PermisError {
  return new PermisError('internal_error', 'Could not build passkey options.', { cause: err });
}

/** Registration options for a new discoverable credential (WebAuthn L3 §5.4). */
export async function registrationOptions(
  config: PasskeyConfig,
  args: {
    challenge: Uint8Array;
    userHandle: Uint8Array;
    userName: string;
    displayName: string;
    exclude?: { id: string; transports: string[] }[];
  },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  try {
    return await generateRegistrationOptions({
      rpName: config.rpName,
      rpID: config.rpId,
      userName: args.userName,
      userDisplayName: args.displayName,
      userID: args.userHandle as Uint8Array<ArrayBuffer>,
      challenge: args.challenge as Uint8Array<ArrayBuffer>,
      timeout: config.challengeTtlSeconds * 1000,
      attestationType: 'none',
      // WebAuthn L3 §5.4.3: exclude the account's credentials so one authenticator is not registered twice.
      excludeCredentials: (args.exclude ?? []).map((c) => ({ id: c.id, transports: c.transports })),
      // Discoverable credentials: sign-in needs no user name (WebAuthn L3 §6.2.2).
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs,
    });
  } catch (err) {
    throw wrapInternal(err);
  }
}

/** Authentication options for a discoverable-credential sign-in or a confirmation (WebAuthn L3 §5.5). */
export async function authenticationOptions(
  config: PasskeyConfig,
  args: { challenge: Uint8Array; allow?: { id: string; transports: string[] }[] },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  try {
    return await generateAuthenticationOptions({
      rpID: config.rpId,
      challenge: args.challenge as Uint8Array<ArrayBuffer>,
      timeout: config.challengeTtlSeconds * 1000,
      userVerification: 'required',
      ...(args.allow ? { allowCredentials: args.allow.map((c) => ({ id: c.id, transports: c.transports })) } : {}),
    });
  } catch (err) {
    throw wrapInternal(err);
  }
}

/**
 * Verifies a registration response (WebAuthn L3 §7.1) against the expected challenge, our
 * origin and RP id, with user presence and verification required. Throws
 * `passkey_verification_failed` (400) on any failure.
 */
export async function verifyRegistration(
  config: PasskeyConfig,
  response: RegistrationResponseJSON,
  expectedChallenge: string,
): Promise<RegisteredCredential> {
  let result;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: expectedOrigin(config),
      expectedRPID: config.rpId,
      requireUserPresence: true,
      requireUserVerification: true,
      supportedAlgorithmIDs,
    });
  } catch (err) {
    throw registrationFailed('The passkey registration could not be verified.', err);
  }
  if (!result.verified) throw registrationFailed('The passkey registration could not be verified.');
  const info = result.registrationInfo;
  return {
    id: info.credential.id,
    publicKey: new Uint8Array(info.credential.publicKey),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []).filter((t) => knownTransports.has(t)),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
  };
}

/**
 * Verifies an assertion (WebAuthn L3 §7.2) by `credential` over `expectedChallenge` (base64url),
 * with user verification required, the signature counter checked (a counter that does not
 * grow signals a cloned authenticator, §6.1.1) and the backup-eligibility flag unchanged.
 * Throws `passkey_verification_failed` (401) on any failure.
 */
export async function verifyAssertion(
  config: PasskeyConfig,
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: StoredCredential,
): Promise<VerifiedAssertion> {
  if (response.id !== credential.id) throw assertionFailed('The passkey response is for another credential.');
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: expectedOrigin(config),
      expectedRPID: config.rpId,
      credential: { id: credential.id, publicKey: credential.publicKey as Uint8Array<ArrayBuffer>, counter: credential.counter, transports: credential.transports },
      requireUserVerification: true,
    });
  } catch (err) {
    throw assertionFailed('The passkey assertion could not be verified.', err);
  }
  if (!result.verified) throw assertionFailed('The passkey signature is not valid.');
  const info = result.authenticationInfo;
  // WebAuthn L3 §7.2 step 18: the backup eligibility (BE) flag of a credential never changes.
  if (info.credentialDeviceType !== credential.deviceType) {
    throw assertionFailed('The passkey reported a different backup eligibility than at registration.');
  }
  return { credentialId: info.credentialID, newCounter: info.newCounter, backedUp: info.credentialBackedUp };
}
