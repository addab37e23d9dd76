// `npm run sdk:check`: regenerates the SDK's types from openapi/openapi.json into a temporary
// file and fails when they differ from the committed sdk/src/schema.ts (run `npm run sdk:generate`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const committed = join(root, 'sdk', 'src', 'schema.ts');
const dir = mkdtempSync(join(tmpdir(), 'permis-sdk-schema-'));
try {
  const fresh = join(dir, 'schema.ts');
  execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), [join(root, 'openapi', 'openapi.json'), '-o', fresh], { stdio: 'pipe' });
  let current = '';
  try {
    current = readFileSync(committed, 'utf8');
  } catch {
    // missing: reported as stale below
  }
  if (readFileSync(fresh, 'utf8') !== current) {
    process.stderr.write('sdk/src/schema.ts is stale: it does not match openapi/openapi.json. Run `npm run sdk:generate` and commit the result.\n');
    process.exitCode = 1;
  } else {
    process.stdout.write('sdk/src/schema.ts matches openapi/openapi.json\n');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
