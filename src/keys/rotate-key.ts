import { KeyError } from '../crypto/key-error.js';
import { KEY_USES, type KeyUse } from '../crypto/key-ring.js';
import { assertKek } from '../crypto/key-seal.js';
import type { Clock } from '../domain/runtime.js';
import type { Db } from '../storage/db.js';
import { retireActiveKey, withKeyLock } from '../storage/signing-keys-repo.js';
import { assertKekOpensStore, storeGeneratedKey } from './install-keys.js';

/**
 * Rotates the key of `use`: generates and stores a new active key and retires the old one
 * (its public key stays in the JWKS; its sealed private part is destroyed). Refuses with
 * KeyError `kek_mismatch` if `kek` does not open the keys already stored.
 */
export async function rotateKey(
  db: Db,
  use: KeyUse,
  opts: { kek: Uint8Array; clock: Clock },
): Promise<{ kid: string; retiredKid: string | null }> {
  if (!KEY_USES.includes(use)) throw new KeyError('key_invalid', `unknown key use: ${String(use)}`);
  assertKek(opts.kek);
  return withKeyLock(db, async (tx) => {
    await assertKekOpensStore(tx, opts.kek);
    const now = opts.clock.now().toISOString();
    const retiredKid = await retireActiveKey(tx, use, now);
    const kid = await storeGeneratedKey(tx, use, opts.kek, now);
    return { kid, retiredKid };
  });
}
