/**
 * Structural request schemas for WebAuthn responses (WebAuthn L3 §5.1.8/§5.1.9 JSON forms)
 * and loose response schemas for the options. Size limits bound every field; the
 * cryptographic checks happen in `crypto/passkeys.ts`.
 */
import { z } from '@hono/zod-openapi';

/** Base64url without padding (RFC 4648 §5), 1…max characters. */
export const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');

/** A credential id: at most 1023 bytes (WebAuthn L3 §4 "Credential ID"), so 1364 base64url characters. */
export const CredentialId = b64url(1364).openapi({ description: 'Credential id, base64url.' });

const Attachment = z.enum(['platform', 'cross-platform']);
const ExtensionResults = z
  .record(z.string().max(64), z.unknown())
  .openapi({ description: 'Client extension outputs (WebAuthn L3 §5.1.8); not used by the server.' });

/** `RegistrationResponseJSON` (WebAuthn L3 §5.1.8). */
export const RegistrationResponse = z
  .object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal('public-key'),
    authenticatorAttachment: Attachment.nullish(),
    clientExtensionResults: ExtensionResults,
    response: z
      .object({
        clientDataJSON: b64url(4096),
        attestationObject: b64url(16384),
        authenticatorData: b64url(8192).optional(),
        transports: z.array(z.string().max(32)).max(10).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
        publicKey: b64url(4096).optional(),
      })
      .strict(),
  })
  .strict()
  .openapi('WebAuthnRegistrationResponse', { description: 'The JSON form of a new credential, from `PublicKeyCredential.toJSON()`.' });

/** `AuthenticationResponseJSON` (WebAuthn L3 §5.1.9). */
export const AuthenticationResponse = z
  .object({
    id: CredentialId,
    rawId: CredentialId,
    type: z.literal('public-key'),
    authenticatorAttachment: Attachment.nullish(),
    clientExtensionResults: ExtensionResults,
    response: z
      .object({
        clientDataJSON: b64url(4096),
        authenticatorData: b64url(8192),
        signature: b64url(2048),
        userHandle: b64url(88).nullish(),
      })
      .strict(),
  })
  .strict()
  .openapi('WebAuthnAuthenticationResponse', { description: 'The JSON form of an assertion, from `PublicKeyCredential.toJSON()`.' });

/** Creation options for `navigator.credentials.create()` (WebAuthn L3 §5.4, JSON form). */
export const CreationOptions = z
  .record(z.string(), z.unknown())
  .openapi('WebAuthnCreationOptions', {
    description: '`PublicKeyCredentialCreationOptionsJSON` (WebAuthn L3 §5.4); pass to `PublicKeyCredential.parseCreationOptionsFromJSON()`.',
  });

/** Request options for `navigator.credentials.get()` (WebAuthn L3 §5.5, JSON form). */
export const RequestOptions = z
  .record(z.string(), z.unknown())
  .openapi('WebAuthnRequestOptions', {
    description: '`PublicKeyCredentialRequestOptionsJSON` (WebAuthn L3 §5.5); pass to `PublicKeyCredential.parseRequestOptionsFromJSON()`.',
  });

/** A ceremony id, as returned by an `options` call. */
export const CeremonyId = z.uuid().openapi({ description: 'The id returned with the options; valid once, for a few minutes.' });

/** A human label: trimmed, 1–64 characters, no control characters. */
export const Label = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\x00-\x1f\x7f-\x9f]*$/, 'must not contain control characters');
