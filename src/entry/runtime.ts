import { mkdirSync, readFileSync } from 'node:fs';
import { parsePolicy, type Policy } from '@permis/sdk/verify';
import { join, resolve } from 'node:path';
import { type KeyRing } from '../crypto/key-ring.js';
import { openKeyRing } from '../keys/open-key-ring.js';
import { deriveKey } from '../crypto/derive-key.js';
import { fromB64 } from '@permis/sdk/encoding';
import { type Clock, type Random, systemClock, systemRandom } from '../domain/runtime.js';
import type { AppConfig, AppDeps } from '../core/deps.js';
import type { Db } from '../storage/db.js';
import { migrate } from '../storage/migrate.js';
import { openPglite } from '../storage/pglite.js';
import { openPostgres } from '../storage/postgres.js';
import { databaseTimeouts, type Env, publicUrlOf } from './config.js';
import { storedLogOrigin } from '../storage/log-publication.js';
import { loadOrCreateKek } from './kek.js';
import { loadMigrations } from './migrations.js';
import { openDataConfig } from './open-data-config.js';
import { lockDataDir } from './data-dir-lock.js';
import { StartupError } from './startup.js';
import { nodeSha256 } from './node-sha256.js';
import { notificationConfig } from './notification-config.js';
import { nodeDocsAssets } from './docs-sources.js';
import { instrumentDb } from './instrumented-db.js';
import { prometheusMetrics } from './prometheus.js';

/** An open database plus everything derived from configuration, for the server and the CLI. */
export interface NodeRuntime {
  env: Env;
  db: Db;
  /** The read replica's pool (`DATABASE_READ_URL`), if one is configured. */
  readDb?: Db;
  kek: Uint8Array;
  clock: Clock;
  random: Random;
  /** Opens the key ring (generating keys on first use). */
  keys(): Promise<KeyRing>;
  /** Builds the app dependencies. */
  deps(log?: AppDeps['log']): Promise<AppDeps>;
  close(): Promise<void>;
}

/** Opens the configured database (PGlite under DATA_DIR when DATABASE_URL is unset) and applies migrations. */
export async function openRuntime(env: Env, opts: { migrate?: boolean } = {}): Promise<NodeRuntime> {
  const dataDir = resolve(env.DATA_DIR);
  let db: Db;
  let unlock = () => {};
  let migrator: Db | undefined;
  if (env.DATABASE_URL) {
    db = openPostgres({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, timeouts: databaseTimeouts(env) });
    // Migrations may run for long (migration 0011 moves 1M leaves in 12 s): one connection
    // of their own, without the statement limit that requests get.
    if (opts.migrate !== false) migrator = openPostgres({ url: env.DATABASE_URL, max: 1 });
  } else {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
    try {
      db = await openPglite({ dataDir: join(dataDir, 'pglite') });
    } catch (err) {
      unlock();
      throw err;
    }
  }
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(migrator ?? db, loadMigrations());
      for (const name of applied) process.stderr.write(`applied migration ${name}\n`);
      await checkLogOrigin(migrator ?? db, env);
    }
  } catch (err) {
    await db.close().catch(() => {});
    unlock();
    throw err;
  } finally {
    await migrator?.close().catch(() => {});
  }
  const readDb = env.DATABASE_READ_URL
    ? openPostgres({ url: env.DATABASE_READ_URL, max: env.DATABASE_POOL_MAX, timeouts: { ...databaseTimeouts(env), statementMs: env.DATABASE_READ_STATEMENT_TIMEOUT_MS } })
    : undefined;
  const kek = loadOrCreateKek(dataDir, env.KEY_ENCRYPTION_KEY);
  const clock = systemClock;
  const random = systemRandom;
  let ring: Promise<KeyRing> | undefined;
  // The ring may open before deps(log) names the logger; its background failures go to it then.
  let log: AppDeps['log'];
  const keys = () =>
    (ring ??= openKeyRing(db, {
      kek,
      clock,
      random,
      log: (...args) => log?.(...args),
      configured: {
        ...(env.RECEIPT_SIGNING_KEY ? { receipt: env.RECEIPT_SIGNING_KEY } : {}),
        ...(env.TOKEN_SIGNING_KEY ? { token: env.TOKEN_SIGNING_KEY } : {}),
        ...(env.CHECKPOINT_SIGNING_KEY ? { checkpoint: env.CHECKPOINT_SIGNING_KEY } : {}),
      },
    }));
  const publicUrl = publicUrlOf(env);
  let metrics: ReturnType<typeof prometheusMetrics> | undefined;
  return {
    env,
    db,
    ...(readDb ? { readDb } : {}),
    kek,
    clock,
    random,
    keys,
    async deps(logTo) {
      log = logTo;
      const config: AppConfig = {
        publicUrl,
        rpId: new URL(publicUrl).hostname,
        rpName: env.RP_NAME,
        sessionTtlSeconds: env.SESSION_TTL_SECONDS,
        challengeTtlSeconds: env.CHALLENGE_TTL_SECONDS,
        bodyLimitBytes: env.BODY_LIMIT_BYTES,
        jurisdiction: env.JURISDICTION,
        timeZone: env.TIME_ZONE,
        ...(env.LOG_ORIGIN ? { logOrigin: env.LOG_ORIGIN } : {}),
        pairwiseSecret: env.PAIRWISE_SECRET ? fromB64(env.PAIRWISE_SECRET) : await deriveKey(kek, 'permis pairwise subject v1'),
        notifications: await notificationConfig(env, kek, publicUrl),
        ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
        openData: openDataConfig(env),
        ...(env.WITNESS_POLICY ? { witnesses: await readWitnessPolicy(env.WITNESS_POLICY) } : {}),
      };
      // Metrics only when someone can read them (METRICS_TOKEN): otherwise nothing is recorded.
      const prom = env.METRICS_TOKEN ? (metrics ??= prometheusMetrics()) : undefined;
      return {
        db: prom ? instrumentDb(db, prom.metrics, env.DATABASE_URL ? env.DATABASE_POOL_MAX : undefined) : db,
        ...(readDb ? { readDb } : {}),
        keys: await keys(),
        clock,
        random,
        config,
        sha256: nodeSha256,
        docs: nodeDocsAssets(),
        ...(prom ? { metrics: prom.metrics, metricsExposition: prom.exposition } : {}),
        ...(logTo ? { log: logTo } : {}),
      };
    },
    async close() {
      await Promise.all([db.close(), readDb?.close()]);
      unlock();
    },
  };
}

/** The tlog-policy file named by WITNESS_POLICY, parsed; an unreadable or malformed file stops start-up naming it. */
async function readWitnessPolicy(file: string): Promise<Policy> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError(`WITNESS_POLICY: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return await parsePolicy(text);
  } catch (err) {
    throw new StartupError(`WITNESS_POLICY (${file}): ${(err as Error).message}`);
  }
}

/**
 * A log keeps the origin of its first checkpoint: a LOG_ORIGIN naming another one is a
 * mistake that would make every checkpoint unverifiable under the pinned key name.
 */
async function checkLogOrigin(db: Db, env: Env): Promise<void> {
  const stored = await storedLogOrigin(db);
  if (stored !== undefined && env.LOG_ORIGIN !== undefined && stored !== env.LOG_ORIGIN) {
    throw new Error(`LOG_ORIGIN is ${env.LOG_ORIGIN}, but this log was created as ${stored}, and a log's origin never changes: unset LOG_ORIGIN or set it to ${stored}`);
  }
}
