/**
 * Starting and stopping what the over-HTTP suites run against: a throwaway PostgreSQL
 * database, the CLI against it, the Node server and the Worker in workerd (wrangler dev),
 * each in its own process group so that stopping it stops its children too.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);
export const ROOT = new URL('../../../', import.meta.url).pathname;

/** The PostgreSQL server's maintenance database (CONFORMANCE_DATABASE_URL overrides). */
export const ADMIN_URL = process.env.CONFORMANCE_DATABASE_URL ?? 'postgres://postgres:permis@127.0.0.1:5432/postgres';

/** `ADMIN_URL` with another database name and optional connection parameters. */
export function databaseUrl(name: string, params: Record<string, string> = {}): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/** Creates `permis_<prefix>_<random>` on the server; returns its name. */
export async function createDatabase(prefix: string): Promise<string> {
  const name = `permis_${prefix}_${randomBytes(6).toString('hex')}`;
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  return name;
}

/** Drops a database made by `createDatabase`, disconnecting whoever is still on it. */
export async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await sql.end();
  }
}

/** A fresh base64url key-encryption key (32 bytes). */
export const newKek = (): string => randomBytes(32).toString('base64url');

/** Runs `permis <args>` (src/entry/cli.ts) against `env`; returns its stdout. */
export async function cli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run(join(ROOT, 'node_modules/.bin/tsx'), ['src/entry/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  return stdout;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** A started server process (its own process group). */
export interface Server {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  logFile: string;
  /** Stops the whole process group (SIGTERM, then SIGKILL) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

async function spawnServer(name: string, baseUrl: string, cmd: string, args: string[], env: Record<string, string>): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), `permis-${name}-`));
  const logFile = join(dir, 'server.log');
  const out = createWriteStream(logFile);
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const server: Server = { name, baseUrl, child, logFile, stop };
  try {
    await waitReady(server);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  return server;
}

async function waitReady(s: Server, seconds = 120): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  for (let i = 0; i < seconds * 4; i++) {
    if (s.child.exitCode !== null) break;
    try {
      const res = await fetch(`${s.baseUrl}/readyz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${s.name} did not become ready at ${s.baseUrl}:\n${await readFile(s.logFile, 'utf8').catch(() => '')}`);
}

/** Starts `tsx src/entry/node.ts` on `port` against `databaseUrl`; resolves once /readyz answers. */
export async function startNode(opts: { name: string; port: number; databaseUrl: string; kek: string; env?: Record<string, string> }): Promise<Server> {
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'permis-data-'));
  return spawnServer(opts.name, baseUrl, join(ROOT, 'node_modules/.bin/tsx'), ['src/entry/node.ts'], {
    DATABASE_URL: opts.databaseUrl,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    KEY_ENCRYPTION_KEY: opts.kek,
    DATA_DIR: dataDir,
    ...opts.env,
  });
}

/**
 * Starts the Worker in workerd (`wrangler dev --test-scheduled`, so `GET /__scheduled` fires the
 * cron) with the Hyperdrive binding's local connection on `databaseUrl`; the integrator loop of
 * one cron invocation is cut to CRON_INTEGRATOR_SECONDS=2.
 */
export async function startWorker(opts: { port: number; databaseUrl: string; kek: string }): Promise<Server> {
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const dir = await mkdtemp(join(tmpdir(), 'permis-worker-'));
  const envFile = join(dir, '.dev.vars');
  await writeFile(envFile, `KEY_ENCRYPTION_KEY=${opts.kek}\n`, { mode: 0o600 });
  return spawnServer(
    'worker',
    baseUrl,
    join(ROOT, 'node_modules/.bin/wrangler'),
    ['dev', '--port', String(opts.port), '--ip', '127.0.0.1', '--env-file', envFile, '--test-scheduled',
      '--var', `PUBLIC_URL:${baseUrl}`, '--var', 'CRON_INTEGRATOR_SECONDS:2', '--log-level', 'warn'],
    {
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: opts.databaseUrl,
      WRANGLER_SEND_METRICS: 'false',
      CI: 'true',
    },
  );
}
