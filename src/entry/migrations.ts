import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../storage/migrate.js';

/** The repository's `migrations/` folder. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

/** The manifest's file name inside the migrations folder. */
export const MANIFEST_FILE = 'checksums.json';

/** An earlier text of a released migration that a database may have applied, and why it is still accepted. */
export interface SupersededText {
  sha256: string;
  /** The commit that released that text. */
  commit: string;
  why: string;
}

/**
 * migrations/checksums.json: the SHA-256 of every released migration (a released file never
 * changes; `npm run lint` and test/migration-checksums.test.ts refuse an edit), and the earlier
 * texts of the two files edited before the rule existed.
 */
export interface MigrationManifest {
  checksums: Record<string, string>;
  superseded: Record<string, SupersededText[]>;
}

/** SHA-256 (hex) of a migration's text, as `migrate()` records it. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Reads the manifest of `dir`; an absent manifest is an empty one (a folder of test migrations). */
export function readManifest(dir = MIGRATIONS_DIR): MigrationManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return { checksums: {}, superseded: {} };
  const m = JSON.parse(readFileSync(path, 'utf8')) as Partial<MigrationManifest>;
  return { checksums: m.checksums ?? {}, superseded: m.superseded ?? {} };
}

/** Reads every `NNNN_name.sql` file of `dir`, in name order, with the superseded texts its manifest accepts. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const { superseded } = readManifest(dir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      const earlier = superseded[name]?.map((s) => s.sha256);
      return earlier?.length ? { name, sql, superseded: earlier } : { name, sql };
    });
}

/** What differs between the migrations folder and its manifest. */
export interface ManifestDrift {
  /** Files whose text no longer matches their recorded checksum: a released migration was edited. */
  changed: string[];
  /** Recorded files that are gone. */
  missing: string[];
  /** Files not yet recorded (new migrations). */
  added: string[];
}

/** Compares every `.sql` file of `dir` with the checksums its manifest records. */
export function manifestDrift(dir = MIGRATIONS_DIR, manifest: MigrationManifest = readManifest(dir)): ManifestDrift {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const drift: ManifestDrift = { changed: [], missing: [], added: [] };
  for (const f of files) {
    const recorded = manifest.checksums[f];
    if (recorded === undefined) drift.added.push(f);
    else if (recorded !== migrationChecksum(readFileSync(join(dir, f), 'utf8'))) drift.changed.push(f);
  }
  for (const f of Object.keys(manifest.checksums)) if (!files.includes(f)) drift.missing.push(f);
  return drift;
}
