import { importJWK } from 'jose';
import type { TokenKeySet } from '../crypto/token-keys.js';
import type { Clock } from '../domain/runtime.js';
import type { Sql } from '../storage/db.js';
import { tokenPublicX } from '../storage/signing-keys-repo.js';

/** How long a looked-up key is trusted before it is read again (a deleted key stops verifying). */
const RECHECK_MS = 60_000;
const KID = /^[\x21-\x7e]{1,128}$/;

/**
 * A TokenKeySet reading `signing_keys` (the key ring's table) by primary key on a miss and
 * remembering found keys for a minute. Unknown kids are not remembered, so the memory stays
 * bounded by the number of token keys. Call it outside transactions.
 */
export function tokenKeySet(sql: Sql, clock: Clock): TokenKeySet {
  const known = new Map<string, { key: CryptoKey; readAt: number }>();
  const pending = new Map<string, Promise<CryptoKey | undefined>>();

  const load = async (kid: string): Promise<CryptoKey | undefined> => {
    const x = await tokenPublicX(sql, kid);
    if (!x) {
      known.delete(kid);
      return undefined;
    }
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, 'EdDSA');
    if (key instanceof Uint8Array) return undefined;
    known.set(kid, { key, readAt: clock.now().getTime() });
    return key;
  };

  return {
    async keyFor(kid) {
      if (!KID.test(kid)) return undefined;
      const hit = known.get(kid);
      if (hit && clock.now().getTime() - hit.readAt < RECHECK_MS) return hit.key;
      let p = pending.get(kid);
      if (!p) {
        p = load(kid).finally(() => pending.delete(kid));
        pending.set(kid, p);
      }
      return p;
    },
  };
}
