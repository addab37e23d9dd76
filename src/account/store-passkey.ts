import { RuleError } from '../domain/errors.js';
import { DbError, type Sql } from '../storage/db.js';
import type { AppDeps } from '../core/deps.js';

/**
 * Runs `fn` in a transaction that stores a newly registered passkey; a credential id that is
 * already registered (WebAuthn L3 §7.1 step 26) becomes `passkey_verification_failed`.
 */
export async function storePasskey<T>(fn: (tx: Sql) => Promise<T>, deps: AppDeps): Promise<T> {
  try {
    return await deps.db.transaction(fn);
  } catch (err) {
    if (err instanceof DbError && err.isUniqueViolation && err.constraint === 'passkeys_pkey') {
      throw new RuleError('passkey_verification_failed', 'This passkey is already registered.');
    }
    throw err;
  }
}
