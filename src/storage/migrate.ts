import { sha256, toHex } from '@permis/sdk/encoding';
import { PermisError } from '../domain/errors.js';
import type { Db } from './db.js';

/** One forward-only migration file. */
export interface Migration {
  /** File name, e.g. `0001_foundation.sql`; the numeric prefix orders them. */
  name: string;
  sql: string;
  /**
   * SHA-256 checksums (hex) of earlier texts of this file that a database may have applied and
   * that leave the same schema as `sql` (migrations/checksums.json says why each is accepted).
   */
  superseded?: readonly string[];
}

/** Raised when the database and the migration files disagree; start-up must stop. */
export class MigrationError extends PermisError<'migration_failed'> {
  constructor(message: string) {
    super('migration_failed', message);
  }
}

// An arbitrary but fixed key for pg_advisory_xact_lock, so concurrent migrators queue up.
const MIGRATION_LOCK = 7_245_001;

/**
 * Applies every migration not yet applied, each in its own transaction under an advisory
 * lock, recording its SHA-256 checksum. Refuses (MigrationError) if an applied file changed
 * (unless the database holds one of the file's documented `superseded` texts) or disappeared.
 * Returns the names it applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<string[]> {
  const sorted = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  for (const m of sorted) {
    if (!/^\d{4}_[a-z0-9_]+\.sql$/.test(m.name)) throw new MigrationError(`bad migration file name: ${m.name}`);
  }
  // `create table if not exists` is not safe against a concurrent creator: take the lock first.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
  });
  const applied: string[] = [];
  for (const m of sorted) {
    const checksum = toHex(await sha256(m.sql));
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query<{ checksum: string }>('select checksum from schema_migrations where name = $1', [m.name]);
      if (rows[0]) {
        // A superseded text stays recorded as applied: the row says what this database really ran.
        if (rows[0].checksum !== checksum && !m.superseded?.includes(rows[0].checksum)) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied (checksum mismatch)`);
        }
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (name, checksum) values ($1, $2)', [m.name, checksum]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  const known = new Set(sorted.map((m) => m.name));
  const inDb = await db.query<{ name: string }>('select name from schema_migrations order by name');
  const missing = inDb.filter((r) => !known.has(r.name)).map((r) => r.name);
  if (missing.length) throw new MigrationError(`applied migrations missing from this build: ${missing.join(', ')}`);
  return applied;
}
