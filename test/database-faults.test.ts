/**
 * Failing fast on the PostgreSQL server (src/storage/pg-pool.ts): a pool that is full answers
 * within its wait limit, a statement that does not answer in time drops its connection, and a
 * connection that the server closed is never handed out again: the next query gets a fresh one.
 * Each failure is a DbError that the API turns into a 503 problem with Retry-After.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi as createApp } from '../src/http/app.js';
import { DbError } from '../src/storage/db.js';
import { openPostgres } from '../src/storage/postgres.js';
import { checkSynchronousStandby, ClusterConfigError } from '../src/entry/sync-standby.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';

describe.skipIf(ENGINE !== 'postgres')('database faults on postgres', () => {
  let t: TestContext;
  let admin: postgres.Sql;
  beforeAll(async () => {
    t = await createTestContext();
    admin = postgres(t.database.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await t.close();
  });

  const url = (app: string) => {
    const u = new URL(t.database.url!);
    u.searchParams.set('application_name', app);
    return u.toString();
  };
  const backends = async (app: string) =>
    (await admin<{ pid: number }[]>`select pid from pg_stat_activity where application_name = ${app} and datname = current_database()`).map((r) => r.pid);

  it('a full pool answers within its wait limit with a connection error (a 503)', async () => {
    const db = openPostgres({ url: url('faults-full'), max: 1, timeouts: { acquireMs: 200 } });
    try {
      let release = () => {};
      const held = db.transaction(async (tx) => {
        await tx.query('select 1');
        await new Promise<void>((r) => (release = r));
      });
      await new Promise((r) => setTimeout(r, 50));
      const err = await db.query('select 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbError);
      expect((err as DbError).isConnection).toBe(true);
      release();
      await held;
      expect(await db.query<{ n: number }>('select 2 as n')).toEqual([{ n: 2 }]);
    } finally {
      await db.close();
    }
  });

  it('a statement that does not answer in time drops its connection instead of cancelling it', async () => {
    const app = 'faults-slow';
    const db = openPostgres({ url: url(app), max: 2, timeouts: { statementMs: 1500 } });
    try {
      const started = Date.now();
      const err = await db.query('select pg_sleep(20)').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DbError);
      expect((err as DbError).isConnection).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000); // far below the 20 s the statement would take
      // The next statement runs on a new connection.
      expect(await db.query<{ n: number }>('select 3 as n')).toEqual([{ n: 3 }]);
    } finally {
      await db.close();
    }
  });

  it('connections the server closed are never handed out again, and /readyz finds it out first', async () => {
    const app = 'faults-killed';
    const db = openPostgres({ url: url(app), max: 4 });
    const deps = { ...t.deps, db };
    try {
      // Four open connections, then the server ends all of them (as a restart or failover would).
      await Promise.all([1, 2, 3, 4].map(() => db.transaction((tx) => tx.query('select pg_sleep(0.05)'))));
      expect((await backends(app)).length).toBe(4);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${app}`;
      await new Promise((r) => setTimeout(r, 100));
      const res = await createApp(deps).request('/readyz');
      expect(res.status).toBe(200);
      // Every request afterwards succeeds: none gets a dead connection.
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => db.query<{ n: number }>('select $1::int as n', [i])));
      expect(answers.map((r) => r[0]!.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    } finally {
      await db.close();
    }
  });

  it('/readyz answers 503 with Retry-After while no server accepts writes', async () => {
    const db = openPostgres({ url: 'postgres://postgres@127.0.0.1:1/none', max: 1, timeouts: { connectMs: 300, statementMs: 500 } });
    try {
      const res = await createApp({ ...t.deps, db }).request('/readyz');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(((await res.json()) as { code: string }).code).toBe('service_unavailable');
    } finally {
      await db.close();
    }
  });

  it('refuses a cluster URL whose primary has no synchronous standby, or warns when told to', async () => {
    // The test server is a single server without standbys: as a cluster it would lose acknowledged writes.
    const cluster = 'postgres://postgres@127.0.0.1:5432,127.0.0.1:5433/x?target_session_attrs=read-write';
    const lines: string[] = [];
    const log = (level: string, msg: string) => lines.push(`${level} ${msg}`);
    await expect(checkSynchronousStandby(t.db, cluster, 'require', log)).rejects.toThrow(ClusterConfigError);
    await expect(checkSynchronousStandby(t.db, cluster, 'require', log)).rejects.toThrow(/synchronous_standby_names is empty/);
    await checkSynchronousStandby(t.db, cluster, 'warn', log);
    expect(lines.some((l) => l.startsWith('error UNSAFE database cluster'))).toBe(true);
    lines.length = 0;
    await checkSynchronousStandby(t.db, t.database.url!, 'require', log); // one host: not a cluster, not checked
    expect(lines).toEqual([]);
  });
});

