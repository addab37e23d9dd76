/**
 * DATABASE_READ_URL: officer search and statistics and the public log read from the read
 * replica (`deps.readDb`); a log read that the replica cannot answer yet (no checkpoint, a size
 * it has not replayed) is asked of the primary; the officer's own audit event is written to the
 * primary. The "replica" here is a second database that lags on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, composeApp } from '../src/entry/app.js';
import { createApi } from '../src/http/app.js';
import { createPortal } from '../src/portal/portal.js';
import { integrateLog as runIntegrator } from '../src/log/integrate-log.js';
import { signUpOfficer } from './support/admin.js';
import { createTestDatabase, ENGINE, type TestDatabase } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { insertEvents } from './support/log.js';
import { officerGet } from './support/officer.js';

describe(`a read replica on ${ENGINE}`, () => {
  let t: TestContext;
  let replica: TestDatabase;
  let app: App;
  beforeAll(async () => {
    t = await createTestContext();
    replica = await createTestDatabase();
    const deps = { ...t.deps, readDb: replica.db };
    app = composeApp(createApi(deps), createPortal(deps));
  });
  afterAll(async () => {
    await replica?.drop();
    await t?.close();
  });

  const text = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: await res.text() };
  };

  it('serves the log from the replica, and from the primary what the replica has not replayed yet', async () => {
    await insertEvents(t.db, t.clock, 5);
    await runIntegrator(t.deps);
    // The replica has no checkpoint yet: the primary answers.
    expect((await text('/v1/log/checkpoint')).body.split('\n')[1]).toBe('5');
    // The replica catches up to 3 leaves (its own log here): it answers from then on.
    await insertEvents(replica.db, t.clock, 3);
    await runIntegrator({ ...t.deps, db: replica.db });
    expect((await text('/v1/log/checkpoint')).body.split('\n')[1]).toBe('3');
    // A proof for the size the replica lacks comes from the primary.
    const proof = await app.request('/v1/log/proof/consistency?from=3&to=5');
    expect(proof.status).toBe(200);
    const leaves = await app.request('/v1/log/leaves?start=0&end=5');
    expect(((await leaves.json()) as { leaves: unknown[] }).leaves).toHaveLength(5);
  });

  it('runs officer search and statistics on the replica and records the query on the primary', async () => {
    const officer = await signUpOfficer({ ...t, app });
    const search = await officerGet({ ...t, app }, officer.token, '/v1/officer/events', { type: 'consent.checked' });
    expect(search.status).toBe(200);
    // The events are on the primary only; the replica's are its own three.
    const replicaIds = (await replica.db.query<{ id: string }>("select id::text from audit_events where type = 'consent.checked'")).map((r) => r.id);
    expect((search.body.items as { id: string }[]).map((e) => e.id).sort()).toEqual(replicaIds.sort());
    const stats = await officerGet({ ...t, app }, officer.token, '/v1/officer/stats');
    expect(stats.status).toBe(200);
    const audited = await t.db.query<{ n: number }>("select count(*)::int as n from audit_events where type in ('officer.searched', 'officer.stats_viewed')");
    expect(audited[0]!.n).toBe(2);
    const onReplica = await replica.db.query<{ n: number }>("select count(*)::int as n from audit_events where type like 'officer.%'");
    expect(onReplica[0]!.n).toBe(0);
  });
});
