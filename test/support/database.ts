import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { loadMigrations } from '../../src/entry/migrations.js';
import type { Db } from '../../src/storage/db.js';
import { migrate } from '../../src/storage/migrate.js';
import { openPglite } from '../../src/storage/pglite.js';
import { openPostgres } from '../../src/storage/postgres.js';
import { snapshot } from './pglite-snapshot.js';

/** Which engine this test run uses: the PostgreSQL server when TEST_DATABASE_URL is set. */
export const ENGINE: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh, empty database of the run's engine (not migrated), and a way to drop it. */
export interface TestDatabase {
  db: Db;
  /** Connection URL of the throwaway database (postgres only). */
  url?: string;
  /** Opens a second, independent handle on the same database (postgres only). */
  connect?: (max?: number) => Db;
  drop(): Promise<void>;
}

/**
 * Creates a throwaway database: in-memory PGlite, or `permis_test_<random>` on the server
 * named by TEST_DATABASE_URL, dropped afterwards. Never touches any other database.
 */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  let t: TestDatabase;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    // From the run's snapshot (initdb done, migrations applied) when the global setup made one.
    const from = snapshot(opts.migrated === false ? 'empty' : 'migrated');
    const db = await openPglite(from ? { loadDataDir: from } : {});
    t = { db, drop: () => db.close() };
  } else {
    const name = `permis_test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handles: Db[] = [];
    const connect = (max = 10) => {
      const h = openPostgres({ url: url.toString(), max });
      handles.push(h);
      return h;
    };
    const db = connect();
    t = {
      db,
      url: url.toString(),
      connect,
      async drop() {
        await Promise.all(handles.map((h) => h.close().catch(() => {})));
        const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  // Also on a migrated snapshot: a no-op there, and it checks the snapshot matches migrations/.
  if (opts.migrated !== false) await migrate(t.db, loadMigrations());
  return t;
}
