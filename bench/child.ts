/**
 * Starts bench/server.ts in a child process (node + tsx, as `npm start` runs the product) on
 * a free loopback port, waits until it listens, and stops it by its own pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A running bench server. */
export interface BenchServer {
  port: number;
  /** `http://127.0.0.1:<port>`, also its PUBLIC_URL (the token audience). */
  origin: string;
  pid: number;
  /** Stops it (SIGTERM, SIGKILL after 10 s); resolves when it has exited. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the bench server on the database at `databaseUrl`; `cpuProfDir` turns on --cpu-prof;
 * `root` runs another source tree's bench server (bench/ab.ts: a before/after comparison).
 */
export async function startBenchServer(opts: {
  databaseUrl: string;
  serviceId: string;
  poolMax: number;
  cpuProfDir?: string | undefined;
  root?: string | undefined;
  env?: Record<string, string> | undefined;
}): Promise<BenchServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const root = opts.root ?? ROOT;
  const args = [...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []), '--import', 'tsx', join(root, 'bench', 'server.ts')];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: opts.databaseUrl,
      DATABASE_POOL_MAX: String(opts.poolMax),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: origin,
      // A fresh key-encryption key, so nothing is read from or written to DATA_DIR.
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'warn',
      BENCH_SERVICE_ID: opts.serviceId,
      ...opts.env,
    },
  });
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(b.toString().replace(/^(?=.)/gm, '[server] ')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench server did not start within 60 s')), 60_000);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (/BENCH_READY \d+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench server exited with code ${code} before listening`));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    port,
    origin,
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
