/**
 * The `signing_keys` table: rows only. Sealing, generating and unsealing keys is
 * `src/crypto/`'s; deciding which key becomes active is `src/keys/`'s.
 */
import { publicJwkOf, type PublicSigningJwk } from '../crypto/key-material.js';
import type { KeyUse } from '../crypto/key-ring.js';
import type { Db, Sql } from './db.js';

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

/** The key with id `kid`, if stored. */
export async function findKeyRow(sql: Sql, kid: string): Promise<KeyRow | undefined> {
  return (await sql.query<RawRow>(`${SELECT} where kid = $1`, [kid])).map(toRow)[0];
}

/** The newest key that still has a sealed private part, if any. */
export async function newestSealedKeyRow(sql: Sql): Promise<KeyRow | undefined> {
  return (await sql.query<RawRow>(`${SELECT} where private_jwe is not null order by created_at desc, kid limit 1`)).map(toRow)[0];
}

/** The public `x` of the token key `kid` (active or retired), if there is one. */
export async function tokenPublicX(sql: Sql, kid: string): Promise<string | undefined> {
  const rows = await sql.query<{ x: string | null }>(`select public_jwk->>'x' as x from signing_keys where kid = $1 and use = 'token'`, [kid]);
  return rows[0]?.x ?? undefined;
}

/** True when `use` has an active key. */
export async function hasActiveKey(sql: Sql, use: KeyUse): Promise<boolean> {
  const active = await sql.query<{ kid: string }>(`select kid from signing_keys where use = $1 and status = 'active'`, [use]);
  return active.length > 0;
}

/** Runs `fn` in a transaction holding the signing-key advisory lock. */
export async function withKeyLock<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [KEY_LOCK]);
    return fn(tx);
  });
}

/** Marks the active key of `use` (other than `exceptKid`) retired and destroys its sealed private part; returns its kid. */
export async function retireActiveKey(tx: Sql, use: KeyUse, now: string, exceptKid?: string): Promise<string | null> {
  const rows = await tx.query<{ kid: string }>(
    `update signing_keys set status = 'retired', retired_at = $2::timestamptz, private_jwe = null
      where use = $1 and status = 'active' and kid <> $3 returning kid`,
    [use, now, exceptKid ?? ''],
  );
  return rows[0]?.kid ?? null;
}

/** Stores a new active key for `use`: sealed (`privateJwe`) when generated, null when configured. */
export async function insertActiveKey(
  tx: Sql,
  k: { kid: string; use: KeyUse; publicJwk: PublicSigningJwk; privateJwe: string | null; now: string },
): Promise<void> {
  await tx.query(
    `insert into signing_keys (kid, use, public_jwk, private_jwe, status, created_at)
     values ($1, $2, $3::jsonb, $4, 'active', $5::timestamptz)`,
    [k.kid, k.use, k.publicJwk, k.privateJwe, k.now],
  );
}

/** Makes the stored key `kid` active again. */
export async function reactivateKey(tx: Sql, kid: string): Promise<void> {
  await tx.query(`update signing_keys set status = 'active', retired_at = null where kid = $1`, [kid]);
}
