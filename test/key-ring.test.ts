/** Signing keys: generation, sealing at rest, KEK checks, configured keys, rotation, concurrency. Both engines. */
import { compactDecrypt, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyError } from '../src/crypto/key-error.js';
import { type KeyRing } from '../src/crypto/key-ring.js';
import { type KeyRingOptions, openKeyRing } from '../src/keys/open-key-ring.js';
import { rotateKey } from '../src/keys/rotate-key.js';
import { signJwt } from '../src/crypto/sign-jwt.js';
import { systemRandom } from '../src/domain/runtime.js';
import type { Db } from '../src/storage/db.js';
import { testClock, type TestClock } from './support/clock.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

interface Row {
  kid: string;
  use: string;
  status: string;
  public_jwk: Record<string, unknown>;
  private_jwe: string | null;
  retired_at: Date | null;
}

let database: TestDatabase;
let db: Db;
let clock: TestClock;
let kek: Uint8Array;
const opts = (extra: Partial<KeyRingOptions> = {}): KeyRingOptions => ({ kek, clock, random: systemRandom, ...extra });
const rows = () => db.query<Row>('select kid, use, status, public_jwk, private_jwe, retired_at from signing_keys order by use, created_at, kid');
const activeKids = async (ring: KeyRing) => ({
  receipt: (await ring.active('receipt')).kid,
  token: (await ring.active('token')).kid,
  checkpoint: (await ring.active('checkpoint')).kid,
});
async function keyErrorOf(p: Promise<unknown>): Promise<KeyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyError);
  return err as KeyError;
}
async function privateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportJWK(privateKey);
}
async function verifies(jws: string, ring: KeyRing, typ = 'consent-receipt+jwt') {
  const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(await ring.jwks()), { typ, algorithms: ['EdDSA'] });
  return { payload, protectedHeader };
}

beforeEach(async () => {
  database = await createTestDatabase();
  db = database.db;
  clock = testClock(new Date('2025-03-01T10:00:00Z'));
  kek = systemRandom.bytes(32);
});
afterEach(async () => {
  await database.drop();
});

describe(`key ring (${ENGINE})`, () => {
  it('generates one Ed25519 key per use on first open and loads the same keys on the next', async () => {
    const first = await openKeyRing(db, opts());
    const kids = await activeKids(first);
    expect(new Set(Object.values(kids)).size).toBe(3);
    expect((await rows()).map((r) => [r.use, r.status])).toEqual([
      ['checkpoint', 'active'],
      ['receipt', 'active'],
      ['token', 'active'],
    ]);

    const second = await openKeyRing(db, opts());
    expect(await activeKids(second)).toEqual(kids);
    expect(await rows()).toHaveLength(3);

    // A receipt signed by the first ring verifies with the second ring's JWKS.
    const { jws, kid } = await signJwt(first, 'receipt', { typ: 'consent-receipt+jwt', claims: { jti: 'r1' } });
    expect(kid).toBe(kids.receipt);
    const { protectedHeader, payload } = await verifies(jws, second);
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'consent-receipt+jwt', kid: kids.receipt });
    expect(payload).toEqual({ jti: 'r1' });
  });

  it('uses RFC 7638 thumbprints as kids and publishes only public members', async () => {
    const ring = await openKeyRing(db, opts());
    const { keys } = await ring.jwks();
    expect(keys).toHaveLength(3);
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      const { calculateJwkThumbprint } = await import('jose');
      expect(k.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: k.x! }, 'sha256'));
    }
    const active = await ring.active('receipt');
    expect(active.privateKey.extractable).toBe(false);
    expect(active.publicJwk).not.toHaveProperty('d');
  });

  it('stores private keys only as a JWE sealed under the KEK', async () => {
    const ring = await openKeyRing(db, opts());
    for (const r of await rows()) {
      expect(r.public_jwk).not.toHaveProperty('d');
      expect(r.private_jwe).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/); // RFC 7516 §7.1, `dir`: empty encrypted key
      expect(r.private_jwe).not.toMatch(/"d"/);
      expect(decodeProtectedHeader(r.private_jwe!)).toMatchObject({ alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' });
      // Decrypting with the KEK gives the private key whose public half is published.
      const { plaintext } = await compactDecrypt(r.private_jwe!, kek);
      const jwk = JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
      expect(jwk.x).toBe(r.public_jwk.x);
      expect(typeof jwk.d).toBe('string');
      // ...and it is really the key the ring signs with.
      const { jws } = await signJwt(ring, r.use as 'receipt', { typ: 'x+jwt', claims: {} });
      const { importJWK, compactVerify } = await import('jose');
      await expect(compactVerify(jws, await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, 'EdDSA'))).resolves.toBeTruthy();
    }
  });

  it('rejects a wrong key-encryption key at start-up with kek_mismatch', async () => {
    await openKeyRing(db, opts());
    const err = await keyErrorOf(openKeyRing(db, opts({ kek: systemRandom.bytes(32) })));
    expect(err.code).toBe('kek_mismatch');
    expect(err.message).toMatch(/key-encryption key/);
    // rotate under a wrong KEK writes nothing
    expect((await keyErrorOf(rotateKey(db, 'token', { kek: systemRandom.bytes(32), clock }))).code).toBe('kek_mismatch');
    expect(await rows()).toHaveLength(3);
  });

  it('rejects a wrong KEK even when the damaged JWE header hides which key sealed it', async () => {
    await openKeyRing(db, opts());
    // Strip the KEK id from the header: the AES-GCM tag still refuses the wrong key.
    const [r] = await db.query<{ kid: string; private_jwe: string }>(`select kid, private_jwe from signing_keys where use = 'receipt'`);
    const { b64url, utf8 } = await import('@permis/sdk/encoding');
    const parts = r!.private_jwe.split('.');
    const forged = [b64url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }))), ...parts.slice(1)].join('.');
    await db.query('update signing_keys set private_jwe = $1 where kid = $2', [forged, r!.kid]);
    expect((await keyErrorOf(openKeyRing(db, opts({ kek: systemRandom.bytes(32) })))).code).toBe('kek_mismatch');
  });

  it('refuses a KEK that is not 32 bytes', async () => {
    expect((await keyErrorOf(openKeyRing(db, opts({ kek: systemRandom.bytes(16) })))).code).toBe('kek_invalid');
  });

  it('refuses a sealed key moved to another row', async () => {
    await openKeyRing(db, opts());
    await db.query(
      `update signing_keys set private_jwe = (select private_jwe from signing_keys where use = 'token') where use = 'receipt'`,
    );
    expect((await keyErrorOf(openKeyRing(db, opts()))).code).toBe('key_corrupt');
  });

  it('lets a configured key win, retiring the generated one, and stores no private part for it', async () => {
    const generated = await activeKids(await openKeyRing(db, opts()));
    const configured = await privateJwk();
    const ring = await openKeyRing(db, opts({ configured: { receipt: configured } }));
    const { calculateJwkThumbprint } = await import('jose');
    const kid = await calculateJwkThumbprint(configured, 'sha256');
    expect((await ring.active('receipt')).kid).toBe(kid);
    expect((await ring.active('token')).kid).toBe(generated.token);

    const all = await rows();
    const mine = all.find((r) => r.kid === kid)!;
    expect(mine).toMatchObject({ use: 'receipt', status: 'active', private_jwe: null });
    expect(mine.public_jwk).not.toHaveProperty('d');
    const old = all.find((r) => r.kid === generated.receipt)!;
    expect(old.status).toBe('retired');
    expect(old.private_jwe).toBeNull(); // a retired key can never sign again
    expect(old.retired_at).not.toBeNull();
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, generated.receipt]));

    // Signatures verify against the configured public key and the published JWKS.
    const { jws } = await signJwt(ring, 'receipt', { typ: 'consent-receipt+jwt', claims: { n: 1 } });
    expect((await verifies(jws, ring)).protectedHeader.kid).toBe(kid);

    // Opening again with the same configuration changes nothing.
    await openKeyRing(db, opts({ configured: { receipt: configured } }));
    expect(await rows()).toEqual(all);
  });

  it('keeps a kid given with the configured key', async () => {
    const configured = { ...(await privateJwk()), kid: 'receipts-2025' };
    const ring = await openKeyRing(db, opts({ configured: { receipt: configured } }));
    expect((await ring.active('receipt')).kid).toBe('receipts-2025');
  });

  it('refuses configured keys that are malformed, mismatched or shared between uses', async () => {
    const a = await privateJwk();
    const b = await privateJwk();
    const bad = [
      { ...a, d: b.d }, // d does not belong to x
      { ...a, crv: 'P-256' },
      { kty: 'OKP', crv: 'Ed25519', x: a.x }, // public only
      { ...a, d: 'short' },
    ];
    for (const jwk of bad) {
      const err = await keyErrorOf(openKeyRing(db, opts({ configured: { token: jwk as JWK } })));
      expect(err.code).toBe('key_invalid');
      expect(err.message).toMatch(/configured token signing key/);
      expect(err.message).not.toContain(a.d!);
      expect(err.message).not.toContain(b.d!);
    }
    expect((await keyErrorOf(openKeyRing(db, opts({ configured: { token: a, checkpoint: a } })))).code).toBe('key_conflict');
    await openKeyRing(db, opts({ configured: { token: a } }));
    expect((await keyErrorOf(openKeyRing(db, opts({ configured: { checkpoint: a } })))).code).toBe('key_conflict');
  });

  it('says clearly when a configured key is gone, and rotation recovers', async () => {
    await openKeyRing(db, opts({ configured: { checkpoint: await privateJwk() } }));
    const err = await keyErrorOf(openKeyRing(db, opts()));
    expect(err.code).toBe('key_unavailable');
    expect(err.message).toMatch(/checkpoint.*keys rotate checkpoint/);
    await rotateKey(db, 'checkpoint', { kek, clock });
    await expect(openKeyRing(db, opts())).resolves.toBeTruthy();
  });

  it('rotates: the retired public key stays in the JWKS and new signatures use the new kid', async () => {
    const ring = await openKeyRing(db, opts());
    const before = await activeKids(ring);
    const old = await signJwt(ring, 'receipt', { typ: 'consent-receipt+jwt', claims: { n: 'old' } });

    clock.advance(60_000);
    const { kid, retiredKid } = await rotateKey(db, 'receipt', { kek, clock }); // as another process would
    expect(retiredKid).toBe(before.receipt);
    expect(kid).not.toBe(before.receipt);
    const r = (await rows()).find((x) => x.kid === before.receipt)!;
    expect(r).toMatchObject({ status: 'retired', private_jwe: null });
    expect(new Date(r.retired_at!).toISOString()).toBe(clock.now().toISOString());

    // Within the refresh interval the ring still signs with its copy; afterwards it switches.
    expect((await ring.active('receipt')).kid).toBe(before.receipt);
    clock.advance(6_000);
    const { keys } = await ring.jwks();
    expect(keys.map((k) => k.kid).sort()).toEqual([...Object.values(before), kid].sort());
    const fresh = await signJwt(ring, 'receipt', { typ: 'consent-receipt+jwt', claims: { n: 'new' } });
    expect(fresh.kid).toBe(kid);
    expect((await verifies(fresh.jws, ring)).protectedHeader.kid).toBe(kid);
    expect((await verifies(old.jws, ring)).payload.n).toBe('old'); // old receipts keep verifying
    expect((await ring.active('token')).kid).toBe(before.token);

    // A ring opened later agrees.
    expect((await activeKids(await openKeyRing(db, opts()))).receipt).toBe(kid);
  });

  it('picks up a rotation inside a transaction without waiting on the database', async () => {
    const ring = await openKeyRing(db, opts());
    const before = (await ring.active('token')).kid;
    const { kid } = await rotateKey(db, 'token', { kek, clock });
    clock.advance(10_000);
    // On PGlite a query outside this transaction would wait for it forever.
    const signed = await db.transaction(async (tx) => {
      await tx.query('select 1');
      return signJwt(ring, 'token', { typ: 'at+jwt', claims: {} });
    });
    expect(signed.kid).toBe(before);
    await vi.waitFor(async () => expect((await ring.active('token')).kid).toBe(kid));
  });

  it('ends with one active key per use when several processes start at once', async () => {
    const handles = ENGINE === 'postgres' ? [db, database.connect!(2), database.connect!(2), database.connect!(2)] : [db, db, db, db];
    const rings = await Promise.all(handles.map((h) => openKeyRing(h, opts())));
    const kids = await Promise.all(rings.map(activeKids));
    for (const k of kids) expect(k).toEqual(kids[0]);
    const all = await rows();
    expect(all).toHaveLength(3);
    expect(all.every((r) => r.status === 'active')).toBe(true);

    // Concurrent rotations queue up: each retires the previous one, never two active keys.
    await Promise.all(handles.map((h) => rotateKey(h, 'receipt', { kek, clock })));
    const receipt = (await rows()).filter((r) => r.use === 'receipt');
    expect(receipt).toHaveLength(5);
    expect(receipt.filter((r) => r.status === 'active')).toHaveLength(1);
  });
});
