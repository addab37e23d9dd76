/**
 * WORKERS=2 (src/entry/node-cluster.ts): two worker processes serve one port, the background
 * jobs run in one of them, and SIGTERM stops all of them cleanly. A PostgreSQL server is
 * needed for several processes; the refusal without one is checked on both engines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';

const ROOT = new URL('..', import.meta.url).pathname;
const METRICS_TOKEN = 'cluster-test-metrics-token-0123456789';

/** A free port in this suite's range (28000–28999). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 28000 + Math.floor(Math.random() * 1000);
    const ok = await new Promise<boolean>((r) => {
      const s = createServer();
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => s.close(() => r(true)));
    });
    if (ok) return port;
  }
}

/** `npm start`'s entry (node + tsx, as `npm start` runs it) with `env`. */
function start(env: Record<string, string>): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

/** The pids of `pid`'s child processes (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WORKERS', { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses more than one worker on the embedded database, in one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'permis-cluster-'));
    dirs.push(dir);
    const s = start({ WORKERS: '2', PORT: String(await freePort()), DATA_DIR: dir });
    expect(await s.exited).toBe(2);
    expect(s.out()).toMatch(/^Permís failed to start: .*WORKERS: more than 1 worker process needs a PostgreSQL server \(DATABASE_URL\)/);
  });

  it.skipIf(ENGINE !== 'postgres')('serves one port from two worker processes and stops them all on SIGTERM', async () => {
    db = await createTestDatabase({ migrated: false });
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'permis-cluster-'));
    dirs.push(dir);
    const s = start({
      WORKERS: '2',
      PORT: String(port),
      DATABASE_URL: db.url!,
      DATA_DIR: dir,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      METRICS_TOKEN,
    });
    const deadline = Date.now() + 180_000;
    while (!/Permís is listening on .*2 worker processes/.test(s.out())) {
      if (s.child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start: ${s.out()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const workers = childrenOf(s.child.pid!).filter((pid) => /src\/entry\/node\.ts/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')));
    expect(workers).toHaveLength(2);

    // 21 health checks, each on a connection of its own: the primary hands connections to the
    // workers in turn, so each worker's own metrics count only its share.
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 21; i++) expect((await fetch(`${base}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
    const counts = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${base}/metrics`, { headers: { connection: 'close', authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      const m = /http_server_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} (\d+)/.exec(await res.text());
      counts.add(Number(m?.[1] ?? 0));
    }
    expect(counts.size).toBe(2);
    expect([...counts].reduce((a, b) => a + b, 0)).toBe(21);

    // SIGTERM: every worker drains and exits, then the primary, with 0.
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
