/**
 * Horizontal scaling on Node: two replicas on one PostgreSQL database. A withdrawal through one is
 * denied through the other at once (no replica caches a decision); the log integrator runs on
 * one at a time (advisory lock) and, when the replica holding the lock is killed, the other
 * takes over and integrates new events with no gap in the leaf indices.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeReceiptUnverified, verifyCheckpoint } from '@permis/sdk/verify';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_INTEGRATOR_LOCK } from '../../src/storage/log-repo.js';
import { callAt, type Json, sendTo, serviceTokenAt, signUpAt } from '../conformance/support/http.js';
import { cli, createDatabase, databaseUrl, dropDatabase, freePort, newKek, type Server, startNode } from '../conformance/support/processes.js';

const CLIENT_ID = 'ajuts-energia';
const APP = { a: 'permis-replica-a', b: 'permis-replica-b' } as const;

describe('two Node replicas on one PostgreSQL database', () => {
  let db: string;
  let key: string;
  const replicas: Record<string, Server> = {};
  let sql: postgres.Sql;

  beforeAll(async () => {
    db = await createDatabase('replicas');
    const kek = newKek();
    const dir = await mkdtemp(join(tmpdir(), 'permis-replicas-'));
    const env = { DATABASE_URL: databaseUrl(db), KEY_ENCRYPTION_KEY: kek, DATA_DIR: dir };
    await cli(env, 'migrate');
    await cli(env, 'services', 'add', '--file', 'examples/service.example.json');
    await cli(env, 'services', 'keygen', CLIENT_ID, '--out', join(dir, 'key.json'));
    key = await readFile(join(dir, 'key.json'), 'utf8');
    // Each replica names its connections (application_name) so pg_stat_activity tells them apart.
    const [pa, pb] = [await freePort(), await freePort()];
    const [a, b] = await Promise.all([
      startNode({ name: APP.a, port: pa, databaseUrl: databaseUrl(db, { application_name: APP.a }), kek }),
      startNode({ name: APP.b, port: pb, databaseUrl: databaseUrl(db, { application_name: APP.b }), kek }),
    ]);
    replicas[APP.a] = a;
    replicas[APP.b] = b;
    sql = postgres(databaseUrl(db), { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await Promise.all(Object.values(replicas).map((r) => r.stop()));
    await sql?.end();
    if (db) await dropDatabase(db);
  });

  const service = async (base: string): Promise<Json> => ((await callAt(base, 'GET', '/v1/services?limit=100')).items as Json[]).find((s) => s.clientId === CLIENT_ID)!;

  it('a withdrawal through one replica is denied through the other at once', async () => {
    const [a, b] = [replicas[APP.a]!.baseUrl, replicas[APP.b]!.baseUrl];
    const svc = await service(a);
    const [purpose, category] = [(svc.purposes as string[])[0]!, (svc.categories as string[])[0]!];
    const tokenB = await serviceTokenAt(b, CLIENT_ID, key);
    for (let round = 0; round < 3; round++) {
      const citizen = await signUpAt(a);
      const granted = await callAt(
        a,
        'POST',
        '/v1/me/consents',
        { serviceId: svc.id, purposes: [purpose], dataCategories: [category], validUntil: new Date(Date.now() + 86_400_000).toISOString(), notice: { language: 'en', version: 'r-1', text: 'I agree.' } },
        citizen.token,
      );
      const consentId = granted.consent.id as string;
      const receipts = (await callAt(a, 'GET', `/v1/me/consents/${consentId}/receipts`, undefined, citizen.token)).items as { jws: string }[];
      const subjectRef = decodeReceiptUnverified(receipts[0]!.jws).piiPrincipalId as string;
      const check = () => callAt(b, 'POST', '/v1/check', { subjectRef, purpose, dataCategory: category }, tokenB);
      expect(await check()).toMatchObject({ decision: 'permit' });
      await callAt(a, 'POST', `/v1/me/consents/${consentId}/withdraw`, undefined, citizen.token);
      expect(await check()).toMatchObject({ decision: 'deny' });
    }
  });

  /** The application_name of the backend holding the integrator's advisory lock, if any right now. */
  const lockHolder = async (): Promise<string | undefined> => {
    // pg_advisory_xact_lock(bigint): classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    const rows = await sql<{ app: string }[]>`
      select a.application_name as app from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 1
        and l.classid::bigint = ${Math.floor(LOG_INTEGRATOR_LOCK / 2 ** 32)} and l.objid::bigint = ${LOG_INTEGRATOR_LOCK % 2 ** 32}`;
    return rows[0]?.app;
  };

  /** Watches pg_locks while `busy` makes events, until a holder is seen (or fails after `seconds`). */
  const catchHolder = async (bases: string[], want: (app: string) => boolean, seconds = 60): Promise<string> => {
    const svc = await service(bases[0]!);
    const tokens = await Promise.all(bases.map((b) => serviceTokenAt(b, CLIENT_ID, key)));
    let found: string | undefined;
    const busy = (async () => {
      for (let i = 0; !found; i++) {
        const j = i % bases.length;
        await sendTo(bases[j]!, 'POST', '/v1/check', { subjectRef: `busy-${i}`, purpose: (svc.purposes as string[])[0], dataCategory: (svc.categories as string[])[0] }, tokens[j]);
      }
    })();
    const until = Date.now() + seconds * 1000;
    while (!found && Date.now() < until) {
      const app = await lockHolder();
      if (app && want(app)) found = app;
    }
    const seen = found;
    found ??= 'none';
    await busy;
    if (!seen) throw new Error(`no replica was seen holding the integrator lock within ${seconds} s`);
    return seen;
  };

  it('the integrator runs on one replica at a time; kill it and the other takes over with no gap', async () => {
    const bases = Object.values(replicas).map((r) => r.baseUrl);
    const holder = await catchHolder(bases, (app) => app === APP.a || app === APP.b);
    const survivor = holder === APP.a ? APP.b : APP.a;
    // A crash, not a shutdown: the whole process group gets SIGKILL.
    await replicas[holder]!.stop('SIGKILL');
    const [row] = await sql<{ before: string }[]>`select coalesce(max(leaf_index), -1)::text as before from log_leaves`;
    const before = row!.before;
    process.stdout.write(`replicas: ${holder} held the integrator lock and was killed (leaves so far: ${BigInt(before) + 1n}); ${survivor} goes on\n`);

    // New events through the survivor; it is now the one that integrates them.
    const base = replicas[survivor]!.baseUrl;
    expect(await catchHolder([base], (app) => app === survivor)).toBe(survivor);
    const until = Date.now() + 60_000;
    let stats: { n: string; max: string; pending: string } | undefined;
    while (Date.now() < until) {
      [stats] = await sql<{ n: string; max: string; pending: string }[]>`
        select count(*)::text as n, coalesce(max(l.leaf_index), -1)::text as max, count(*) filter (where l.leaf_index is null)::text as pending
        from audit_events e left join log_leaves l on l.seq = e.seq`;
      if (stats!.pending === '0') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(stats!.pending).toBe('0');
    expect(BigInt(stats!.max)).toBeGreaterThan(BigInt(before));
    // Leaves 0 … n-1, each once: no gap, no duplicate (leaf_index and seq are unique in log_leaves).
    expect(BigInt(stats!.max) + 1n).toBe(BigInt(stats!.n));
    // The survivor's signed checkpoint covers every event.
    const vkey = (await sendTo(base, 'GET', '/v1/log/key')).text.trim();
    const cp = await verifyCheckpoint((await sendTo(base, 'GET', '/v1/log/checkpoint')).text, [vkey]);
    expect(cp.size).toBe(BigInt(stats!.n));
  });
});
