/**
 * Start-up failures of `npm start` (src/entry/node.ts) as an operator meets them: one line
 * naming the variable or resource at fault, no stack trace, and a busy port found before any
 * migration touches the database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { systemClock, systemRandom } from '../src/domain/runtime.js';
import { describeStartupError, redactUrl } from '../src/entry/startup.js';
import { createTestDatabase, ENGINE } from './support/database.js';

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs `npm start`'s entry with `env` until it exits; its exit code and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/entry/node.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Generous: on a loaded two-core machine tsx alone can take most of a minute to start.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

const listen = (server: Server) =>
  new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));

/** A port nothing listens on (taken and given back at once). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

function expectOneLine(stderr: string, ...parts: (string | RegExp)[]) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Permís failed to start: /);
  for (const p of parts) expect(lines[0]).toMatch(p);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent('start-up failures name what is at fault, in one line', { timeout: 180_000 }, () => {
  let dir: string;
  let busy: Server;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'permis-startup-'));
    busy = createServer();
  });
  afterAll(async () => {
    await new Promise((r) => busy.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a busy port: found before the database is created or migrated', async () => {
    const port = await listen(busy);
    const dataDir = join(dir, 'busy');
    const r = await start({ PORT: String(port), DATA_DIR: dataDir });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, new RegExp(`PORT ${port} on HOST 127\\.0\\.0\\.1 is already in use`));
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(r.stdout).not.toMatch(/applied migration/);
  });

  it('a DATABASE_URL whose server does not answer: the variable, the address, never the password', async () => {
    const port = await freePort();
    const r = await start({ PORT: String(await freePort()), DATABASE_URL: `postgres://permis:s3cret@127.0.0.1:${port}/permis` });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, `DATABASE_URL (postgres://permis:***@127.0.0.1:${port}/permis): cannot connect to the PostgreSQL server`, /ECONNREFUSED/);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('a malformed KEY_ENCRYPTION_KEY and PORT: every variable named, exit 2', async () => {
    const r = await start({ KEY_ENCRYPTION_KEY: 'short', PORT: 'eighty', DATA_DIR: join(dir, 'kek') });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /KEY_ENCRYPTION_KEY: must be 32 bytes/, /PORT: /);
  });

  it('a HOST that is not an address of this machine', async () => {
    const r = await start({ HOST: '192.0.2.1', PORT: String(await freePort()), DATA_DIR: join(dir, 'host') });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /HOST 192\.0\.2\.1 is not an address of this machine/);
  });

  it.runIf(ENGINE === 'postgres')('a DATABASE_URL naming a database that does not exist', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/permis_no_such_database';
    const r = await start({ PORT: String(await freePort()), DATABASE_URL: url.toString() });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /DATABASE_URL \(postgres:\/\/.*\/permis_no_such_database\): the database does not exist/);
  });

  it('a key-encryption key that does not decrypt the stored signing keys names KEY_ENCRYPTION_KEY', async () => {
    const t = await createTestDatabase();
    try {
      const deps = { clock: systemClock, random: systemRandom };
      await openKeyRing(t.db, { kek: systemRandom.bytes(32), ...deps });
      const err = await openKeyRing(t.db, { kek: systemRandom.bytes(32), ...deps }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      const line = describeStartupError(err, { DATA_DIR: './data', PORT: 8787, HOST: '127.0.0.1' });
      expect(line).toMatch(/^KEY_ENCRYPTION_KEY: /);
      expect(line).not.toContain('\n');
    } finally {
      await t.drop();
    }
  });

  it('redacts passwords in URLs it prints', () => {
    expect(redactUrl('postgres://u:pw@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('postgres://h/d')).toBe('postgres://h/d');
  });
});
