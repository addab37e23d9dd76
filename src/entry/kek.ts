import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64url, fromB64 } from '@permis/sdk/encoding';

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

function decode(text: string, source: string): Uint8Array {
  const s = text.trim();
  const bytes = B64URL_32.test(s) ? fromB64(s) : undefined;
  if (!bytes || bytes.length !== 32) throw new Error(`${source} must be 32 bytes encoded as base64url (43 characters)`);
  return bytes;
}

/**
 * The 32-byte key-encryption key that seals stored signing keys: from KEY_ENCRYPTION_KEY
 * when given (base64url; a wrong length throws an Error naming the variable), otherwise read
 * from `<dataDir>/kek`, created on first use (32 random bytes, base64url, mode 0600).
 */
export function loadOrCreateKek(dataDir: string, fromEnv?: string): Uint8Array {
  if (fromEnv !== undefined && fromEnv !== '') return decode(fromEnv, 'KEY_ENCRYPTION_KEY');
  const file = join(dataDir, 'kek');
  const existing = readKekFile(file);
  if (existing !== undefined) return decode(existing, `the key-encryption key file ${file}`);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Write a private temporary file, then link it into place: link() fails if the file
    // exists, so two processes starting at once agree on one key and never read a half-written file.
    const tmp = join(dataDir, `.kek.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(tmp, `${b64url(new Uint8Array(randomBytes(32)))}\n`, { flag: 'wx', mode: 0o600 });
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch (err) {
    throw new Error(`cannot create the key-encryption key file ${file}: ${(err as Error).message}`);
  }
  return decode(readKekFile(file) ?? '', `the key-encryption key file ${file}`);
}

/** The file's text, or undefined when it does not exist. */
function readKekFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read the key-encryption key file ${file}: ${(err as Error).message}`);
  }
}
