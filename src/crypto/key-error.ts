/**
 * Errors of the signing-key machinery. These are operator problems found at start-up or by
 * the CLI (a wrong key-encryption key, a malformed configured key), never a caller's fault:
 * no face shows their code, so one escaping during a request is an opaque internal error.
 * Messages name the key use and kid, never key material.
 */
import { type KeyErrorCode, PermisError } from '../domain/errors.js';

export type { KeyErrorCode } from '../domain/errors.js';

/** A signing-key failure with a stable `code`; safe to print, holds no key material. */
export class KeyError extends PermisError<KeyErrorCode> {
  constructor(code: KeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
