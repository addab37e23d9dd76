/**
 * Where private keys made by `permis services keygen` go: by default outside any checkout, in
 * the user's configuration directory (XDG Base Directory Specification: `$XDG_CONFIG_HOME`,
 * else `~/.config`), a directory only its owner can enter, a file only its owner can read.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The directory `keygen` writes to when `--out` is not given. */
export function defaultKeyDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'permis', 'keys');
}

/** The file `keygen` writes for `clientId` when `--out` is not given (and the demo reads). */
export function defaultKeyFile(clientId: string, env: Record<string, string | undefined> = process.env): string {
  return join(defaultKeyDir(env), `${clientId}-key.json`);
}

/** The root of the git working tree that holds `path`, if any (a `.git` directory or file above it). */
export function checkoutHolding(path: string): string | undefined {
  let dir = dirname(resolve(path));
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Writes a private key file with mode 0600, never over an existing file; creates a missing
 * parent directory with mode 0700. Returns a warning when the file lands inside a git checkout.
 */
export async function writeKeyFile(path: string, text: string): Promise<string | undefined> {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'EEXIST') throw new Error(`${path} exists already: keygen never overwrites a key file`, { cause: err });
    throw err;
  }
  const checkout = checkoutHolding(path);
  return checkout
    ? `warning: ${path} is inside the git checkout ${checkout}. .gitignore ignores *-key.json and *.key.json, ` +
        `but a private key is safer outside it: leave out --out to write under ${defaultKeyDir()}.`
    : undefined;
}
