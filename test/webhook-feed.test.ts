/**
 * The events feed: every outbox message of a service exactly once across pages,
 * even when transactions commit out of id order — which is why the feed follows a
 * post-commit sequence (feed_seq) instead of the UUIDv7 ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/domain/ids.js';
import { systemRandom } from '../src/domain/runtime.js';
import type { Sql } from '../src/storage/db.js';
import { enqueueWebhook } from '../src/storage/outbox-repo.js';
import { listFeed, sequenceFeed } from '../src/storage/webhook-feed.js';
import { bearer, signUpCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
});
afterAll(async () => {
  await t.close();
});

const newId = () => uuidv7(t.clock, systemRandom);
const enqueue = (sql: Sql, serviceId: string, id = newId()) =>
  enqueueWebhook(sql, { id, serviceId, eventType: 'consent.granted', payload: { type: 'consent.granted', timestamp: t.clock.now().toISOString(), data: { n: id } }, createdAt: t.clock.now() }).then(() => id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads every page after `cursor` (a feed position), `limit` at a time. */
async function drain(serviceId: string, after: bigint, limit: number): Promise<{ ids: string[]; after: bigint }> {
  const ids: string[] = [];
  for (;;) {
    const page = await listFeed(t.db, { serviceId, after, limit });
    ids.push(...page.map((m) => m.id));
    if (page.length === 0) return { ids, after };
    after = page[page.length - 1]!.feedSeq;
  }
}

describe(`events feed (${ENGINE})`, () => {
  it('shows consent events from the citizen API in order, only to their service', async () => {
    const svc = await createTestService(t.db);
    const other = await createTestService(t.db);
    const alice = await signUpCitizen(t.app, t.config);
    const res = await t.app.request('/v1/me/consents', { method: 'POST', headers: bearer(alice.token), body: JSON.stringify(grantBody(svc, t.clock.now())) });
    const { consent } = (await res.json()) as { consent: { id: string } };
    await t.app.request(`/v1/me/consents/${consent.id}/withdraw`, { method: 'POST', headers: bearer(alice.token) });
    // Not in the feed before the sequencer has run.
    expect(await listFeed(t.db, { serviceId: svc, after: 0n, limit: 10 })).toEqual([]);
    await sequenceFeed(t.db);
    const feed = await listFeed(t.db, { serviceId: svc, after: 0n, limit: 10 });
    expect(feed.map((m) => m.eventType)).toEqual(['consent.granted', 'consent.withdrawn']);
    expect(feed[0]!.payload).toMatchObject({ type: 'consent.granted', data: { consentId: consent.id } });
    expect(feed[0]!.feedSeq < feed[1]!.feedSeq).toBe(true);
    expect(await listFeed(t.db, { serviceId: other, after: 0n, limit: 10 })).toEqual([]);
  });

  it('a message with a smaller id that appears later is still returned after the cursor', async () => {
    const svc = await createTestService(t.db);
    const early = newId(); // taken first, as a slow transaction would
    const late = await enqueue(t.db, svc);
    expect(early < late).toBe(true);
    await sequenceFeed(t.db);
    const first = await drain(svc, 0n, 10);
    expect(first.ids).toEqual([late]);
    // Ordering by id, a cursor at `late` would now skip `early` for ever.
    await enqueue(t.db, svc, early);
    await sequenceFeed(t.db);
    const second = await drain(svc, first.after, 10);
    expect(second.ids).toEqual([early]);
    expect((await drain(svc, 0n, 1)).ids).toEqual([late, early]);
  });

  it('returns every message exactly once across pages while transactions commit out of order', async () => {
    const svc = await createTestService(t.db);
    const written: string[] = [];
    let writing = true;
    const writers = Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await sleep(i % 7);
        await t.db.transaction(async (tx) => {
          const id = await enqueue(tx, svc);
          // Hold the transaction open a random while, so later ids often commit first.
          await sleep(Math.floor(Math.random() * 25));
          written.push(id);
        });
      }),
    ).finally(() => {
      writing = false;
    });
    const seen: string[] = [];
    let after = 0n;
    for (;;) {
      const stillWriting = writing;
      await sequenceFeed(t.db, { batch: 5 });
      const page = await listFeed(t.db, { serviceId: svc, after, limit: 3 });
      seen.push(...page.map((m) => m.id));
      if (page.length) after = page[page.length - 1]!.feedSeq;
      if (!stillWriting && page.length === 0) {
        // Drained after every writer finished: one last round to be sure.
        await sequenceFeed(t.db);
        const rest = await drain(svc, after, 3);
        seen.push(...rest.ids);
        break;
      }
      await sleep(2);
    }
    await writers;
    // On the server the transactions really did commit out of id order (`written` is commit order).
    if (ENGINE === 'postgres') expect(written).not.toEqual([...written].sort());
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    expect([...seen].sort()).toEqual([...written].sort());
  });

  it.runIf(ENGINE === 'postgres')('does not expose a message until its transaction commits, then after the cursor', async () => {
    const svc = await createTestService(t.db);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let earlyId = '';
    const slow = t.db.transaction(async (tx) => {
      earlyId = await enqueue(tx, svc);
      await gate;
    });
    while (!earlyId) await sleep(1);
    const lateId = await enqueue(t.db, svc);
    expect(earlyId < lateId).toBe(true);
    await sequenceFeed(t.db);
    const first = await drain(svc, 0n, 10);
    expect(first.ids).toEqual([lateId]);
    release();
    await slow;
    await sequenceFeed(t.db);
    expect((await drain(svc, first.after, 10)).ids).toEqual([earlyId]);
  });

  it.runIf(ENGINE === 'postgres')('only one sequencer works at a time; a busy lock is skipped, not waited for', async () => {
    const svc = await createTestService(t.db);
    await enqueue(t.db, svc);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked = false;
    const holder = t.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(7245005)');
      locked = true;
      await gate;
    });
    while (!locked) await sleep(1);
    expect(await sequenceFeed(t.db)).toBe(0);
    expect(await listFeed(t.db, { serviceId: svc, after: 0n, limit: 10 })).toEqual([]);
    release();
    await holder;
    expect(await sequenceFeed(t.db)).toBe(1);
    expect(await listFeed(t.db, { serviceId: svc, after: 0n, limit: 10 })).toHaveLength(1);
  });
});
