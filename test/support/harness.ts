import { openKeyRing } from '../../src/keys/open-key-ring.js';
import { systemRandom } from '../../src/domain/runtime.js';
import { type App, composeApp } from '../../src/entry/app.js';
import { nodeDocsAssets } from '../../src/entry/docs-sources.js';
import { createApi } from '../../src/http/app.js';
import { createPortal } from '../../src/portal/portal.js';
import type { AppConfig, AppDeps } from '../../src/core/deps.js';
import type { Db } from '../../src/storage/db.js';
import { type TestClock, testClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** Everything a test needs: the app wired to a fresh migrated database. */
export interface TestContext {
  app: App;
  /** The API face alone, e.g. to mount a test-only route on it before the first request. */
  api: ReturnType<typeof createApi>;
  deps: AppDeps;
  db: Db;
  clock: TestClock;
  config: AppConfig;
  database: TestDatabase;
  /** Errors the app logged (unexpected 500s show up here). */
  logged: { level: string; msg: string; fields?: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** The configuration tests run with: a local origin and short lifetimes. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    publicUrl: 'http://localhost:8787',
    rpId: 'localhost',
    rpName: 'Permís (test)',
    sessionTtlSeconds: 3600,
    challengeTtlSeconds: 300,
    bodyLimitBytes: 256 * 1024,
    jurisdiction: 'ES',
    pairwiseSecret: systemRandom.bytes(32),
    notifications: { addressKey: systemRandom.bytes(32), linkKey: systemRandom.bytes(32), mailFrom: '"Permís" <no-reply@localhost>' },
    ...overrides,
  };
}

/** Creates a fresh database (PGlite, or the server when TEST_DATABASE_URL is set), keys and app. */
export async function createTestContext(opts: { config?: Partial<AppConfig>; clock?: TestClock } = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const clock = opts.clock ?? testClock();
  const config = testConfig(opts.config);
  const keys = await openKeyRing(database.db, { kek: systemRandom.bytes(32), clock, random: systemRandom });
  const logged: TestContext['logged'] = [];
  const deps: AppDeps = {
    db: database.db,
    keys,
    clock,
    random: systemRandom,
    config,
    docs: nodeDocsAssets(),
    log: (level, msg, fields) => {
      logged.push({ level, msg, fields });
    },
  };
  const api = createApi(deps);
  const app = composeApp(api, createPortal(deps));
  return { app, api, deps, db: database.db, clock, config, database, logged, close: () => database.drop() };
}

/** JSON request helper for `app.request()`. */
export function json(method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  };
}
