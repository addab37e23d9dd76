/**
 * The log benchmark's own database on the PostgreSQL server: `permis_bench_log_<random>`,
 * created, migrated with the product's migrations, and dropped at the end. No other database
 * is touched.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { loadMigrations } from '../src/entry/migrations.js';
import type { Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import { openPostgres } from '../src/storage/postgres.js';

/** A throwaway log-benchmark database. */
export interface LogBenchDatabase {
  name: string;
  url: string;
  /** A pool on it (seeding, the integrator and the proofs share it). */
  db: Db;
  /** Closes the pool and drops the database (idempotent; every call resolves once it is dropped). */
  drop(): Promise<void>;
}

/** Creates and migrates `permis_bench_log_<random>` on the server at `serverUrl`. */
export async function createLogBenchDatabase(serverUrl: string, poolMax = 4): Promise<LogBenchDatabase> {
  const name = `permis_bench_log_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openPostgres({ url: url.toString(), max: poolMax });
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
