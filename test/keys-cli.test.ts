/** `permis keys list|rotate` and the key-encryption key file. Both engines for the CLI. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { systemRandom } from '../src/domain/runtime.js';
import { runKeysCommand } from '../src/entry/cli/keys.js';
import { loadOrCreateKek } from '../src/entry/kek.js';
import { type TestClock, testClock } from './support/clock.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

describe(`keys CLI (${ENGINE})`, () => {
  let database: TestDatabase;
  let clock: TestClock;
  let kek: Uint8Array;
  let lines: string[];
  const ctx = (extra = {}) => ({ db: database.db, kek, clock, random: systemRandom, out: (l: string) => void lines.push(l), ...extra });
  beforeEach(async () => {
    database = await createTestDatabase();
    clock = testClock(new Date('2025-03-01T10:00:00Z'));
    kek = systemRandom.bytes(32);
    lines = [];
  });
  afterEach(() => database.drop());

  it('lists kid, use, status and dates, and never key material', async () => {
    expect(await runKeysCommand(['list'], ctx())).toBe(0);
    expect(lines.join('\n')).toMatch(/No signing keys yet/);
    lines = [];
    const ring = await openKeyRing(database.db, { kek, clock, random: systemRandom });
    expect(await runKeysCommand(['list'], ctx())).toBe(0);
    expect(lines[0]).toMatch(/^KID\s+USE\s+STATUS\s+CREATED\s+RETIRED$/);
    expect(lines).toHaveLength(4);
    const kid = (await ring.active('receipt')).kid;
    expect(lines.find((l) => l.startsWith(kid))).toMatch(/receipt\s+active\s+2025-03-01T10:00:00.000Z\s+-$/);
    const jwes = await database.db.query<{ private_jwe: string }>('select private_jwe from signing_keys');
    for (const { private_jwe } of jwes) {
      for (const part of private_jwe.split('.').filter(Boolean)) expect(lines.join('\n')).not.toContain(part);
    }
  });

  it('rotates one use or all, keeping retired keys listed', async () => {
    const ring = await openKeyRing(database.db, { kek, clock, random: systemRandom });
    const before = (await ring.active('token')).kid;
    clock.advance(1000);
    expect(await runKeysCommand(['rotate', 'token'], ctx())).toBe(0);
    expect(lines[0]).toMatch(new RegExp(`^token: new active key \\S+; retired ${before}`));
    lines = [];
    expect(await runKeysCommand(['rotate', 'all'], ctx())).toBe(0);
    expect(lines.filter((l) => /new active key/.test(l))).toHaveLength(3);
    lines = [];
    await runKeysCommand(['list'], ctx());
    expect(lines.filter((l) => /\sactive\s/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => /\sretired\s+\S+\s+2025-03-01T10:00:01.000Z$/.test(l))).toHaveLength(4);
    expect(lines.find((l) => l.startsWith(before))).toMatch(/token\s+retired/);
  });

  it('refuses to rotate a configured use and rejects a wrong KEK without writing', async () => {
    await openKeyRing(database.db, { kek, clock, random: systemRandom });
    const errs: string[] = [];
    expect(await runKeysCommand(['rotate', 'receipt'], ctx({ configuredUses: ['receipt'], err: (l: string) => void errs.push(l) }))).toBe(1);
    expect(errs.join('\n')).toMatch(/RECEIPT_SIGNING_KEY/);
    expect(await runKeysCommand(['rotate', 'all'], ctx({ configuredUses: ['receipt'] }))).toBe(0);
    expect(lines.filter((l) => /new active key/.test(l))).toHaveLength(2);

    const count = async () => (await database.db.query<{ n: bigint }>('select count(*) as n from signing_keys'))[0]!.n;
    const n = await count();
    lines = [];
    expect(await runKeysCommand(['rotate', 'token'], ctx({ kek: systemRandom.bytes(32) }))).toBe(1);
    expect(lines.join('\n')).toMatch(/kek_mismatch/);
    expect(await count()).toBe(n);
  });

  it('answers bad usage with exit code 2', async () => {
    for (const args of [[], ['rotate'], ['rotate', 'everything'], ['list', 'extra'], ['drop']]) {
      lines = [];
      expect(await runKeysCommand(args, ctx())).toBe(2);
      expect(lines.join('\n')).toMatch(/Usage/);
    }
  });
});

describe('loadOrCreateKek', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'permis-kek-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a private 32-byte key file once and reads it back afterwards', () => {
    const data = join(dir, 'nested', 'data');
    const first = loadOrCreateKek(data);
    expect(first).toHaveLength(32);
    const file = join(data, 'kek');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(loadOrCreateKek(data)).toEqual(first);
  });

  it('takes KEY_ENCRYPTION_KEY when given and names it when it is wrong', () => {
    const key = Buffer.from(systemRandom.bytes(32)).toString('base64url');
    expect(Buffer.from(loadOrCreateKek(dir, key)).toString('base64url')).toBe(key);
    expect(() => loadOrCreateKek(dir, Buffer.from(systemRandom.bytes(16)).toString('base64url'))).toThrow(/KEY_ENCRYPTION_KEY/);
    expect(() => loadOrCreateKek(dir, 'not base64!')).toThrow(/KEY_ENCRYPTION_KEY/);
  });

  it('refuses a damaged key file, naming it', () => {
    writeFileSync(join(dir, 'kek'), 'short\n');
    expect(() => loadOrCreateKek(dir)).toThrow(/kek/);
  });
});
