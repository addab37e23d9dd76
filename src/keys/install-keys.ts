/**
 * Brings `signing_keys` in line with configuration. Every change runs in one transaction
 * under an advisory lock, so processes starting or rotating at the same time queue up
 * instead of racing on the `signing_keys_one_active` unique index.
 */
import { KeyError } from '../crypto/key-error.js';
import { generateSigningKey, publicJwkOf, type SigningKey } from '../crypto/key-material.js';
import { KEY_USES, type KeyUse } from '../crypto/key-ring.js';
import { assertKek, openPrivateJwk, sealPrivateJwk } from '../crypto/key-seal.js';
import type { Clock } from '../domain/runtime.js';
import type { Db, Sql } from '../storage/db.js';
import {
  findKeyRow,
  hasActiveKey,
  insertActiveKey,
  type KeyRow,
  newestSealedKeyRow,
  reactivateKey,
  readKeyRows,
  retireActiveKey,
  withKeyLock,
} from '../storage/signing-keys-repo.js';

/** Generates a key for `use`, seals it under `kek` and stores it as the active key; returns its kid. */
export async function storeGeneratedKey(tx: Sql, use: KeyUse, kek: Uint8Array, now: string): Promise<string> {
  const { kid, jwk } = await generateSigningKey();
  const privateJwe = await sealPrivateJwk(jwk, kek);
  await insertActiveKey(tx, { kid, use, publicJwk: publicJwkOf(jwk.x, kid), privateJwe, now });
  return kid;
}

/**
 * Proves `kek` opens the store before anything is written under it: decrypts the newest
 * sealed key, if there is one. Throws KeyError `kek_mismatch` otherwise.
 */
export async function assertKekOpensStore(tx: Sql, kek: Uint8Array): Promise<void> {
  const r = await newestSealedKeyRow(tx);
  if (r?.privateJwe) await openPrivateJwk(r.privateJwe, kek, { kid: r.kid, x: r.publicJwk.x });
}

/** Makes the configured key `key` the active key of `use`, retiring any other active one. */
async function installConfigured(tx: Sql, use: KeyUse, key: SigningKey, now: string): Promise<void> {
  const existing = await findKeyRow(tx, key.kid);
  if (existing && (existing.use !== use || existing.publicJwk.x !== key.publicJwk.x)) {
    throw new KeyError(
      'key_conflict',
      existing.use !== use
        ? `the configured ${use} key ${key.kid} is already registered for ${existing.use}: every use needs its own key`
        : `the configured ${use} key's kid ${key.kid} is already taken by a different key`,
    );
  }
  await retireActiveKey(tx, use, now, key.kid);
  if (!existing) {
    await insertActiveKey(tx, { kid: key.kid, use, publicJwk: key.publicJwk, privateJwe: null, now });
  } else if (existing.status !== 'active') {
    await reactivateKey(tx, key.kid);
  }
}

/**
 * Brings the table in line with configuration in one locked transaction: each configured
 * key becomes active for its use; each other use without an active key gets a generated
 * one. Returns the rows afterwards.
 */
export async function installKeys(
  db: Db,
  opts: { kek: Uint8Array; clock: Clock },
  configured: ReadonlyMap<KeyUse, SigningKey>,
): Promise<KeyRow[]> {
  assertKek(opts.kek);
  return withKeyLock(db, async (tx) => {
    const now = opts.clock.now().toISOString();
    let kekChecked = false;
    for (const use of KEY_USES) {
      const key = configured.get(use);
      if (key) {
        await installConfigured(tx, use, key, now);
        continue;
      }
      if (!(await hasActiveKey(tx, use))) {
        if (!kekChecked) await assertKekOpensStore(tx, opts.kek);
        kekChecked = true;
        await storeGeneratedKey(tx, use, opts.kek, now);
      }
    }
    return readKeyRows(tx);
  });
}
