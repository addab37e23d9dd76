import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '../src/entry/migrations.js';
import { migrate, MigrationError } from '../src/storage/migrate.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

let d: TestDatabase | undefined;
afterEach(async () => {
  await d?.drop();
  d = undefined;
});

describe(`migrations on ${ENGINE}`, () => {
  it('applies every file once, records checksums, and is idempotent', async () => {
    d = await createTestDatabase({ migrated: false });
    const files = loadMigrations();
    expect(await migrate(d.db, files)).toEqual(files.map((f) => f.name));
    expect(await migrate(d.db, files)).toEqual([]);
    const rows = await d.db.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
    for (const r of rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to start when an applied file changed or disappeared', async () => {
    d = await createTestDatabase({ migrated: false });
    const files = loadMigrations();
    await migrate(d.db, files);
    const changed = files.map((f, i) => (i === 0 ? { ...f, sql: `${f.sql}\n-- edited` } : f));
    await expect(migrate(d.db, changed)).rejects.toThrow(/changed after it was applied/);
    await expect(migrate(d.db, files.slice(1))).rejects.toBeInstanceOf(MigrationError);
  });

  it('rolls back a failing migration completely', async () => {
    d = await createTestDatabase({ migrated: false });
    const bad = [{ name: '0001_bad.sql', sql: 'create table half_done (x int); select * from no_such_table;' }];
    await expect(migrate(d.db, bad)).rejects.toThrow();
    const t = await d.db.query(`select 1 from information_schema.tables where table_name = 'half_done'`);
    expect(t).toEqual([]);
    expect(await d.db.query('select * from schema_migrations')).toEqual([]);
  });

  it.runIf(ENGINE === 'postgres')('lets concurrent migrators race safely under the advisory lock', async () => {
    d = await createTestDatabase({ migrated: false });
    const files = loadMigrations();
    const a = d.connect!(2);
    const b = d.connect!(2);
    const results = await Promise.all([migrate(a, files), migrate(b, files), migrate(d.db, files)]);
    expect(results.flat().sort()).toEqual(files.map((f) => f.name).sort());
  });
});
