/**
 * The benchmark's own database on the PostgreSQL server: `permis_bench_<random>`, created,
 * migrated with the product's migrations, and dropped at the end. No other database is touched.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { loadMigrations } from '../src/entry/migrations.js';
import type { Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import { openPostgres } from '../src/storage/postgres.js';

/** A throwaway benchmark database. */
export interface BenchDatabase {
  name: string;
  /** Its connection URL. */
  url: string;
  /** A handle for the seeder and the verification (not the server's). */
  db: Db;
  /** Closes the handle and drops the database (idempotent; every call resolves once it is dropped). */
  drop(): Promise<void>;
}

/**
 * Creates and migrates `<prefix><random>` (default `permis_bench_`) on the server at
 * `serverUrl`, with a pool of `poolMax` connections (default 2) for the benchmark's own use.
 */
export async function createBenchDatabase(
  serverUrl: string,
  opts: { prefix?: string; poolMax?: number } = {},
): Promise<BenchDatabase> {
  const name = `${opts.prefix ?? 'permis_bench_'}${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openPostgres({ url: url.toString(), max: opts.poolMax ?? 2 });
  // Memoised: a second caller (the signal handler and the normal path) waits for the same drop.
  let dropping: Promise<void> | undefined;
  const drop = () =>
    (dropping ??= (async () => {
      await db.close().catch(() => {});
      const a = postgres(serverUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    })());
  try {
    await migrate(db, loadMigrations());
  } catch (err) {
    await drop();
    throw err;
  }
  return { name, url: url.toString(), db, drop };
}
