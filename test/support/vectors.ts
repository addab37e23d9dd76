import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The RFC 6962 vectors: `PERMIS_VECTORS_DIR`, else the shared folder beside the checkout,
 * else the copy in test/vectors (see its README).
 */
export function rfc6962VectorsDir(): string {
  const candidates = [
    process.env.PERMIS_VECTORS_DIR,
    resolve(repoRoot, '..', 'shared', 'vectors', 'rfc6962'),
    resolve(repoRoot, 'test', 'vectors', 'rfc6962'),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(resolve(p, 'inclusion')));
  if (!found) throw new Error(`RFC 6962 vectors not found in ${candidates.join(', ')}`);
  return found;
}
