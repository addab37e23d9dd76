/**
 * Errors of the signing-key machinery. These are operator problems found at start-up or by
 * the CLI (a wrong key-encryption key, a malformed configured key), never a caller's fault,
 * so they are deliberately not PermisErrors: if one ever escapes during a request the HTTP
 * layer answers an opaque 500. Messages name the key use and kid, never key material.
 */

/** Stable codes of KeyError. */
export type KeyErrorCode =
  /** The key-encryption key is not 32 bytes. */
  | 'kek_invalid'
  /** The key-encryption key does not decrypt the stored private keys. */
  | 'kek_mismatch'
  /** A configured private JWK is malformed or its private and public halves disagree. */
  | 'key_invalid'
  /** A key id is already taken by another use or by a different key. */
  | 'key_conflict'
  /** The active key of a use has no private part this process can use. */
  | 'key_unavailable'
  /** A stored private key decrypts but does not match its public key. */
  | 'key_corrupt'
  /** Signing failed. */
  | 'sign_failed';

/** A signing-key failure with a stable `code`; safe to print, holds no key material. */
export class KeyError extends Error {
  readonly code: KeyErrorCode;
  constructor(code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyError';
    this.code = code;
  }
}
