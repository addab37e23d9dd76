/**
 * Released migrations never change: migrations/checksums.json records each file's SHA-256, and
 * a database that applied the first text of the two files edited before that rule (0007, 0011)
 * still migrates, on both engines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, manifestDrift, MIGRATIONS_DIR, migrationChecksum, readManifest } from '../src/entry/migrations.js';
import { migrate, MigrationError } from '../src/storage/migrate.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

const FIRST_TEXTS = join(import.meta.dirname, 'fixtures', 'superseded-migrations');

let d: TestDatabase | undefined;
afterEach(async () => {
  await d?.drop();
  d = undefined;
});

describe('the migrations manifest', () => {
  it('records every migration file with the checksum of its text, and nothing else', () => {
    expect(manifestDrift()).toEqual({ changed: [], missing: [], added: [] });
  });

  it('notices an edited released migration', () => {
    const manifest = readManifest();
    const edited = { ...manifest, checksums: { ...manifest.checksums, '0001_foundation.sql': migrationChecksum('-- not the released text') } };
    expect(manifestDrift(MIGRATIONS_DIR, edited).changed).toEqual(['0001_foundation.sql']);
  });

  it('accepts exactly the first texts of 0007 and 0011 as superseded, each with its reason', () => {
    const { superseded } = readManifest();
    expect(Object.keys(superseded).sort()).toEqual(['0007_transparency_log.sql', '0011_log_tiles.sql']);
    for (const [name, texts] of Object.entries(superseded)) {
      expect(texts).toHaveLength(1);
      expect(texts[0]!.sha256).toBe(migrationChecksum(readFileSync(join(FIRST_TEXTS, name), 'utf8')));
      expect(texts[0]!.why.length).toBeGreaterThan(20);
    }
    const loaded = loadMigrations().filter((m) => m.superseded);
    expect(loaded.map((m) => m.name)).toEqual(['0007_transparency_log.sql', '0011_log_tiles.sql']);
  });
});

describe(`a database migrated with the first texts of 0007 and 0011, on ${ENGINE}`, () => {
  it('migrates to the current files, keeps its recorded checksums, and still refuses any other edit', async () => {
    d = await createTestDatabase({ migrated: false });
    const current = loadMigrations();
    const first = current
      .filter((m) => m.name <= '0012')
      .map((m) => (m.superseded ? { name: m.name, sql: readFileSync(join(FIRST_TEXTS, m.name), 'utf8') } : { name: m.name, sql: m.sql }));
    await migrate(d.db, first);

    const applied = await migrate(d.db, current);
    expect(applied).toEqual(current.filter((m) => m.name > '0012').map((m) => m.name));
    const rows = await d.db.query<{ name: string; checksum: string }>(
      `select name, checksum from schema_migrations where name in ('0007_transparency_log.sql', '0011_log_tiles.sql') order by name`,
    );
    expect(rows.map((r) => r.checksum)).toEqual(first.filter((m) => rows.some((r) => r.name === m.name)).map((m) => migrationChecksum(m.sql)));
    expect(await migrate(d.db, current)).toEqual([]);

    // The exception covers the listed texts only: 0011 without its list, or any other edit, is refused as before.
    const unlisted = current.map((m) => (m.name === '0011_log_tiles.sql' ? { name: m.name, sql: m.sql } : m));
    await expect(migrate(d.db, unlisted)).rejects.toBeInstanceOf(MigrationError);
    const edited = current.map((m) => (m.name === '0001_foundation.sql' ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    await expect(migrate(d.db, edited)).rejects.toThrow(/0001_foundation\.sql was changed after it was applied/);
  });

  it('a database on the current texts refuses the first ones (the exception is one way)', async () => {
    d = await createTestDatabase({ migrated: false });
    await migrate(d.db, loadMigrations());
    const first = loadMigrations().map((m) => (m.name === '0007_transparency_log.sql' ? { name: m.name, sql: readFileSync(join(FIRST_TEXTS, m.name), 'utf8') } : m));
    await expect(migrate(d.db, first)).rejects.toThrow(/0007_transparency_log\.sql was changed after it was applied/);
  });
});
