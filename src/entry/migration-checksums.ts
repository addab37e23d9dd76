import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, manifestDrift, MIGRATIONS_DIR, migrationChecksum, readManifest } from './migrations.js';

// `--check` (part of `npm run lint`): fail on any drift. Without it: record new files, and still
// refuse an edited or removed one — a released migration is fixed by a new migration, never in place.
const check = process.argv.includes('--check');
const manifest = readManifest();
const drift = manifestDrift(MIGRATIONS_DIR, manifest);
const refused = [
  ...drift.changed.map((f) => `migrations/${f} changed after it was released: restore it and put the change in a new migration`),
  ...drift.missing.map((f) => `migrations/${f} is recorded in migrations/${MANIFEST_FILE} but missing`),
];
if (check && drift.added.length) {
  refused.push(...drift.added.map((f) => `migrations/${f} is not in migrations/${MANIFEST_FILE}: run \`npm run migrations:manifest\` and commit it`));
}
if (refused.length) {
  process.stderr.write(`${refused.join('\n')}\n`);
  process.exit(1);
}
if (!check && drift.added.length) {
  const checksums = { ...manifest.checksums };
  for (const f of drift.added) checksums[f] = migrationChecksum(readFileSync(join(MIGRATIONS_DIR, f), 'utf8'));
  const sorted = Object.fromEntries(Object.entries(checksums).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(join(MIGRATIONS_DIR, MANIFEST_FILE), `${JSON.stringify({ ...manifest, checksums: sorted }, null, 2)}\n`);
  process.stdout.write(`recorded ${drift.added.join(', ')} in migrations/${MANIFEST_FILE}\n`);
} else {
  process.stdout.write(`migrations/${MANIFEST_FILE} is current.\n`);
}
