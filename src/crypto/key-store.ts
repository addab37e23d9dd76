/**
 * The `signing_keys` table: reading keys, installing configured ones, generating, sealing
 * and rotating. Every change runs in one transaction under an advisory lock, so processes
 * starting or rotating at the same time queue up instead of racing on the
 * `signing_keys_one_active` unique index.
 */
import type { Clock } from '../domain/runtime.js';
import type { Db, Sql } from '../storage/db.js';
import { KeyError } from './key-error.js';
import { generateSigningKey, type PublicSigningJwk, publicJwkOf, type SigningKey } from './key-material.js';
import { assertKek, openPrivateJwk, sealPrivateJwk } from './key-seal.js';
import type { KeyUse } from './key-ring.js';

/** The three uses, each with its own key (DESIGN §5). */
export const KEY_USES: readonly KeyUse[] = ['receipt', 'token', 'checkpoint'];

/** One row of `signing_keys`, as the rest of the code sees it. */
export interface KeyRow {
  kid: string;
  use: KeyUse;
  status: 'active' | 'retired';
  publicJwk: PublicSigningJwk;
  /** The sealed private JWK; null for configured keys and for retired keys (destroyed on retirement). */
  privateJwe: string | null;
  createdAt: Date;
  retiredAt: Date | null;
}

// Fixed advisory-lock key for key changes; the migration lock is 7_245_001.
const KEY_LOCK = 7_245_002;

interface RawRow {
  kid: string;
  use: KeyUse;
  status: 'active' | 'retired';
  x: string;
  private_jwe: string | null;
  created_at: Date | string;
  retired_at: Date | string | null;
}

const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

const SELECT = `select kid, use, status, public_jwk->>'x' as x, private_jwe, created_at, retired_at from signing_keys`;

function toRow(r: RawRow): KeyRow {
  return {
    kid: r.kid,
    use: r.use,
    status: r.status,
    publicJwk: publicJwkOf(r.x, r.kid),
    privateJwe: r.private_jwe,
    createdAt: asDate(r.created_at),
    retiredAt: r.retired_at === null ? null : asDate(r.retired_at),
  };
}

/** Every signing key, active ones first, then newest first within a use. */
export async function readKeyRows(sql: Sql): Promise<KeyRow[]> {
  const rows = await sql.query<RawRow>(
    `${SELECT} order by use, case status when 'active' then 0 else 1 end, created_at desc, kid`,
  );
  return rows.map(toRow);
}

/** Runs `fn` in a transaction holding the signing-key advisory lock. */
export async function withKeyLock<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [KEY_LOCK]);
    return fn(tx);
  });
}

/** Marks the active key of `use` retired and destroys its sealed private part; returns its kid. */
async function retireActive(tx: Sql, use: KeyUse, now: string, exceptKid?: string): Promise<string | null> {
  const rows = await tx.query<{ kid: string }>(
    `update signing_keys set status = 'retired', retired_at = $2::timestamptz, private_jwe = null
      where use = $1 and status = 'active' and kid <> $3 returning kid`,
    [use, now, exceptKid ?? ''],
  );
  return rows[0]?.kid ?? null;
}

/** Generates a key for `use`, seals it under `kek` and stores it as the active key. */
async function storeGeneratedKey(tx: Sql, use: KeyUse, kek: Uint8Array, now: string): Promise<string> {
  const { kid, jwk } = await generateSigningKey();
  const jwe = await sealPrivateJwk(jwk, kek);
  await tx.query(
    `insert into signing_keys (kid, use, public_jwk, private_jwe, status, created_at)
     values ($1, $2, $3::jsonb, $4, 'active', $5::timestamptz)`,
    [kid, use, publicJwkOf(jwk.x, kid), jwe, now],
  );
  return kid;
}

/**
 * Proves `kek` opens the store before anything is written under it: decrypts the newest
 * sealed key, if there is one. Throws KeyError `kek_mismatch` otherwise.
 */
async function assertKekOpensStore(tx: Sql, kek: Uint8Array): Promise<void> {
  const rows = await tx.query<RawRow>(`${SELECT} where private_jwe is not null order by created_at desc, kid limit 1`);
  const r = rows[0];
  if (r?.private_jwe) await openPrivateJwk(r.private_jwe, kek, { kid: r.kid, x: r.x });
}

/** Makes the configured key `key` the active key of `use`, retiring any other active one. */
async function installConfigured(tx: Sql, use: KeyUse, key: SigningKey, now: string): Promise<void> {
  const existing = (await tx.query<RawRow>(`${SELECT} where kid = $1`, [key.kid])).map(toRow)[0];
  if (existing && (existing.use !== use || existing.publicJwk.x !== key.publicJwk.x)) {
    throw new KeyError(
      'key_conflict',
      existing.use !== use
        ? `the configured ${use} key ${key.kid} is already registered for ${existing.use}: every use needs its own key`
        : `the configured ${use} key's kid ${key.kid} is already taken by a different key`,
    );
  }
  await retireActive(tx, use, now, key.kid);
  if (!existing) {
    await tx.query(
      `insert into signing_keys (kid, use, public_jwk, private_jwe, status, created_at)
       values ($1, $2, $3::jsonb, null, 'active', $4::timestamptz)`,
      [key.kid, use, key.publicJwk, now],
    );
  } else if (existing.status !== 'active') {
    await tx.query(`update signing_keys set status = 'active', retired_at = null where kid = $1`, [key.kid]);
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
      const active = await tx.query<{ kid: string }>(`select kid from signing_keys where use = $1 and status = 'active'`, [use]);
      if (active.length === 0) {
        if (!kekChecked) await assertKekOpensStore(tx, opts.kek);
        kekChecked = true;
        await storeGeneratedKey(tx, use, opts.kek, now);
      }
    }
    return readKeyRows(tx);
  });
}

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
    const retiredKid = await retireActive(tx, use, now);
    const kid = await storeGeneratedKey(tx, use, opts.kek, now);
    return { kid, retiredKid };
  });
}

/** What may be shown about a key: no private material, sealed or not. */
export interface KeyInfo {
  kid: string;
  use: KeyUse;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

/** Every signing key's public facts, for listings (CLI); never any private part. */
export async function listKeys(sql: Sql): Promise<KeyInfo[]> {
  return (await readKeyRows(sql)).map((r) => ({ kid: r.kid, use: r.use, status: r.status, createdAt: r.createdAt, retiredAt: r.retiredAt }));
}
