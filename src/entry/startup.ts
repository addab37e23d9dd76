/**
 * Start-up checks and start-up failures for the Node entry and the CLI: every failure becomes
 * one line naming the environment variable or the resource at fault, never a stack trace.
 */
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Env } from './config.js';

/** A start-up failure already worded for the operator: one line, names what is at fault. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** The URL without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

const errnoOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** What a listen error means for PORT and HOST, in one line. */
export function describeListenError(err: unknown, port: number, host: string): string {
  switch (errnoOf(err)) {
    case 'EADDRINUSE':
      return `PORT ${port} on HOST ${host} is already in use by another process: stop it, or set PORT to a free port`;
    case 'EACCES':
      return `PORT ${port} on HOST ${host}: permission denied (ports below 1024 need privileges): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST ${host} is not an address of this machine: set HOST to one (127.0.0.1, 0.0.0.0, …)`;
    default:
      return `cannot listen on PORT ${port} at HOST ${host}: ${oneLine(err)}`;
  }
}

/**
 * Checks that PORT is free on HOST by listening on it and closing again, before anything
 * else (a busy port must not cost a migration). Throws StartupError naming PORT or HOST.
 */
export async function ensurePortFree(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((done, fail) => {
    probe.once('error', (err) => fail(new StartupError(describeListenError(err, port, host), { cause: err })));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

const oneLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').trim() || (err instanceof Error ? err.name : 'unknown error');

/** The deepest message of an error chain (a driver error wrapped by our own). */
const rootMessage = (err: unknown): string => {
  let e: unknown = err;
  for (let i = 0; i < 5 && e instanceof Error && e.cause instanceof Error; i++) e = e.cause;
  return oneLine(e);
};

const KEY_VARIABLES: Record<string, string> = {
  receipt: 'RECEIPT_SIGNING_KEY',
  token: 'TOKEN_SIGNING_KEY',
  checkpoint: 'CHECKPOINT_SIGNING_KEY',
};

/**
 * Words any failure of start-up (configuration aside) as one line naming the variable or
 * resource at fault: the database of DATABASE_URL or the embedded one in DATA_DIR, the
 * migrations, the key-encryption key, a configured signing key, PORT/HOST.
 */
export function describeStartupError(err: unknown, env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR' | 'PORT' | 'HOST'>): string {
  if (err instanceof StartupError) return err.message;
  const e = err as { name?: unknown; code?: unknown; sqlstate?: unknown; syscall?: unknown; path?: unknown };
  const name = typeof e?.name === 'string' ? e.name : '';
  const code = errnoOf(err);
  if (name === 'ConfigError' || name === 'DataDirLockedError') return oneLine(err);
  if (name === 'MigrationError') return `database migrations (migrations/ against ${where(env)}): ${oneLine(err)}`;
  if (name === 'KeyError') {
    if (code === 'kek_invalid' || code === 'kek_mismatch') return `KEY_ENCRYPTION_KEY: ${oneLine(err)}`;
    const use = Object.keys(KEY_VARIABLES).find((u) => oneLine(err).includes(u));
    return `${use ? KEY_VARIABLES[use] : 'signing keys'}: ${oneLine(err)}`;
  }
  if (/key-encryption key file/.test(oneLine(err))) return `KEY_ENCRYPTION_KEY or DATA_DIR: ${oneLine(err)}`;
  if (name === 'DbError') {
    const sqlstate = typeof e.sqlstate === 'string' ? e.sqlstate : undefined;
    if (env.DATABASE_URL) {
      const url = redactUrl(env.DATABASE_URL);
      if (sqlstate === '3D000') return `DATABASE_URL (${url}): the database does not exist (${rootMessage(err)}); create it, e.g. createdb`;
      if (sqlstate?.startsWith('28')) return `DATABASE_URL (${url}): the server refused the credentials (${rootMessage(err)})`;
      if (sqlstate === undefined || sqlstate.startsWith('08') || sqlstate === '57P03') {
        return `DATABASE_URL (${url}): cannot connect to the PostgreSQL server: ${rootMessage(err)}`;
      }
      return `the database of DATABASE_URL (${url}) failed: ${rootMessage(err)}`;
    }
    return `the embedded database in DATA_DIR (${resolve(env.DATA_DIR)}) failed: ${rootMessage(err)}`;
  }
  if (code === 'EADDRINUSE' || (code === 'EACCES' && e.syscall === 'listen')) return describeListenError(err, env.PORT, env.HOST);
  if (code === 'EACCES' || code === 'EPERM' || code === 'ENOSPC' || code === 'EROFS' || code === 'ENOTDIR') {
    return `DATA_DIR (${resolve(env.DATA_DIR)}): ${typeof e.path === 'string' ? `${e.path}: ` : ''}${oneLine(err)}`;
  }
  return oneLine(err);
}

const where = (env: Pick<Env, 'DATABASE_URL' | 'DATA_DIR'>) =>
  env.DATABASE_URL ? `DATABASE_URL ${redactUrl(env.DATABASE_URL)}` : `the embedded database in DATA_DIR ${resolve(env.DATA_DIR)}`;
