/**
 * Test databases on embedded PGlite start from snapshots instead of an empty cluster: a fresh
 * `PGlite.create()` runs initdb (seconds on a busy 2-core machine) and then every migration.
 * The global setup makes two data-directory dumps once per run — an empty cluster and a
 * migrated one — keyed by the PGlite version and the migrations' contents, and each test
 * database loads one (`loadDataDir`). On the PostgreSQL server nothing changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadMigrations } from '../../src/entry/migrations.js';
import { migrate } from '../../src/storage/migrate.js';
import { openPglite } from '../../src/storage/pglite.js';

/** Which snapshot: a cluster right after initdb, or one with every migration applied. */
export type SnapshotKind = 'empty' | 'migrated';

/** The installed PGlite's version (its package.json is not exported: found from its entry file). */
const pgliteVersion = (): string => {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
};

/** The snapshot file of `kind` for the current migrations and PGlite version. */
export function snapshotPath(kind: SnapshotKind): string {
  const h = createHash('sha256').update(pgliteVersion());
  for (const m of loadMigrations()) h.update(m.name).update('\0').update(m.sql).update('\0');
  return join(tmpdir(), 'permis-test-snapshots', `${h.digest('hex').slice(0, 16)}-${kind}.tar`);
}

/** Makes both snapshots unless they exist (written atomically: a rename, never half a file). */
export async function ensureSnapshots(): Promise<void> {
  const empty = snapshotPath('empty');
  const migrated = snapshotPath('migrated');
  if (existsSync(empty) && existsSync(migrated)) return;
  mkdirSync(join(tmpdir(), 'permis-test-snapshots'), { recursive: true });
  const db = await openPglite();
  try {
    const save = async (file: string) => {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.from(await (await db.dumpDataDir()).arrayBuffer()));
      renameSync(tmp, file);
    };
    await save(empty);
    await migrate(db, loadMigrations());
    await save(migrated);
  } finally {
    await db.close();
  }
}

const loaded = new Map<SnapshotKind, Blob>();

/** The snapshot of `kind` as a Blob for `openPglite({ loadDataDir })`, read once per test file. */
export function snapshot(kind: SnapshotKind): Blob | undefined {
  let blob = loaded.get(kind);
  if (!blob) {
    const file = snapshotPath(kind);
    if (!existsSync(file)) return undefined;
    blob = new Blob([readFileSync(file)]);
    loaded.set(kind, blob);
  }
  return blob;
}
