import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, systemRandom } from '../domain/runtime.js';
import { createApi } from '../http/app.js';
import type { AppDeps } from '../core/deps.js';
import { openApiDocument } from '../http/openapi-document.js';

/** Where the committed document lives. */
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'openapi', 'openapi.json');

// Building the document registers routes only; no handler runs, so storage and keys are never touched.
const detached = <T extends object>(what: string): T =>
  new Proxy({} as T, {
    get() {
      throw new Error(`${what} is not available while generating the OpenAPI document`);
    },
  });

/** Renders the OpenAPI document from the app's route declarations. */
export function renderOpenApi(): string {
  const deps: AppDeps = {
    db: detached('database'),
    keys: detached('key ring'),
    clock: systemClock,
    random: systemRandom,
    config: {
      publicUrl: 'http://localhost:8787',
      rpId: 'localhost',
      rpName: 'Permís',
      sessionTtlSeconds: 3600,
      challengeTtlSeconds: 300,
      bodyLimitBytes: 256 * 1024,
      jurisdiction: 'ES',
      pairwiseSecret: new Uint8Array(32),
    },
  };
  return `${JSON.stringify(openApiDocument(createApi(deps)), null, 2)}\n`;
}

const check = process.argv.includes('--check');
const text = renderOpenApi();
if (check) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    // missing counts as different
  }
  if (current !== text) {
    process.stderr.write('openapi/openapi.json is out of date: run `npm run openapi` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('openapi/openapi.json is current.\n');
} else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}\n`);
}
