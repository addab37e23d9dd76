import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Sql } from '../src/storage/db.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { fetchJwks, sha256b64url, verifyReceipt } from './support/receipts.js';

import type { Json } from './support/json.js';

let t: TestContext;
let alice: SignedInCitizen;
let serviceId: string;

const post = async (path: string, body?: unknown) => {
  const res = await t.app.request(path, { method: 'POST', headers: bearer(alice.token), body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Json };
};

async function newConsent(): Promise<string> {
  const r = await post('/v1/me/consents', grantBody(serviceId, t.clock.now(), { purposes: ['t-benefits', 't-research'] }));
  expect(r.status).toBe(201);
  return r.body.consent.id as string;
}

async function assertIntactChain(id: string) {
  const revisions = await t.db.query<{ revision: number }>('select revision from consent_revisions where consent_id = $1 order by revision', [id]);
  expect(revisions.map((r) => r.revision)).toEqual(revisions.map((_, i) => i + 1));
  const receipts = await t.db.query<{ jws: string; revision: number }>('select jws, revision from receipts where consent_id = $1 order by revision', [id]);
  expect(receipts.length).toBe(revisions.length);
  const jwks = await fetchJwks(t.app);
  let prev: string | null = null;
  for (const r of receipts) {
    const { payload } = await verifyReceipt(r.jws, jwks);
    expect(payload.predecessorHash).toBe(prev);
    prev = sha256b64url(r.jws);
  }
  const [row] = await t.db.query<{ revision: number; last_receipt_hash: string }>('select revision, last_receipt_hash from consents where id = $1', [id]);
  expect(row!.revision).toBe(revisions.length);
  expect(row!.last_receipt_hash).toBe(prev);
  const audits = await t.db.query<{ n: number }>('select count(*)::int as n from audit_events where consent_id = $1', [id]);
  expect(audits[0]!.n).toBe(revisions.length);
}

beforeAll(async () => {
  t = await createTestContext();
  await seedTestCatalogue(t.db);
  serviceId = await createTestService(t.db);
  alice = await signUpCitizen(t.app, t.config);
});
afterAll(async () => {
  await t.close();
});

describe(`consent concurrency and atomicity on ${ENGINE}`, () => {
  it('two concurrent withdrawals: exactly one wins, the other gets 409', async () => {
    for (let round = 0; round < 5; round++) {
      const id = await newConsent();
      const results = await Promise.all([post(`/v1/me/consents/${id}/withdraw`), post(`/v1/me/consents/${id}/withdraw`)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('illegal_transition');
      await assertIntactChain(id);
    }
  });

  it('a storm of concurrent transitions keeps revisions contiguous and the receipt chain intact', async () => {
    const id = await newConsent();
    const actions = ['pause', 'resume', 'pause', 'resume', 'pause', 'resume', 'pause', 'resume', 'narrow', 'pause', 'resume', 'withdraw', 'pause'];
    const results = await Promise.all(
      actions.map((a) => post(`/v1/me/consents/${id}/${a}`, a === 'narrow' ? { purposes: ['t-benefits'] } : undefined)),
    );
    for (const r of results) expect([200, 409]).toContain(r.status);
    const won = results.filter((r) => r.status === 200).length;
    await assertIntactChain(id);
    const [row] = await t.db.query<{ revision: number }>('select revision from consents where id = $1', [id]);
    expect(row!.revision).toBe(1 + won);
  });

  it('a failure in the middle of a transition leaves no partial state', async () => {
    const id = await newConsent();
    // A database whose transactions fail right after the receipt is written, before the audit row.
    const failing: Db = {
      ...t.db,
      transaction: (fn) =>
        t.db.transaction((tx) =>
          fn({
            exec: (s) => tx.exec(s),
            query: async (text, params) => {
              if (text.includes('insert into audit_events')) throw new Error('simulated crash');
              return tx.query(text, params);
            },
          } as Sql),
        ),
    };
    const { createApp } = await import('../src/entry/app.js');
    const broken = createApp({ ...t.deps, db: failing, log: () => {} });
    const res = await broken.request(`/v1/me/consents/${id}/withdraw`, { method: 'POST', headers: bearer(alice.token) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as Json;
    expect(body.code).toBe('internal_error');
    expect(JSON.stringify(body)).not.toContain('simulated crash');
    const [row] = await t.db.query<{ status: string; revision: number }>('select status, revision from consents where id = $1', [id]);
    expect(row).toEqual({ status: 'active', revision: 1 });
    await assertIntactChain(id);
  });

  it.runIf(ENGINE === 'postgres')('a connection broken mid-transaction loses nothing acknowledged and leaves nothing partial', async () => {
    const id = await newConsent();
    const other = t.database.connect!(2);
    // Kill the backend of the transaction right after it wrote the receipt.
    const killing: Db = {
      ...other,
      transaction: (fn) =>
        other.transaction((tx) =>
          fn({
            exec: (s) => tx.exec(s),
            query: async (text, params) => {
              const rows = await tx.query(text, params);
              if (text.includes('insert into receipts')) await tx.query('select pg_terminate_backend(pg_backend_pid())');
              return rows;
            },
          } as Sql),
        ),
    };
    const { createApp } = await import('../src/entry/app.js');
    const broken = createApp({ ...t.deps, db: killing, log: () => {} });
    const res = await broken.request(`/v1/me/consents/${id}/withdraw`, { method: 'POST', headers: bearer(alice.token) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).code).toBe('service_unavailable');
    const [row] = await t.db.query<{ status: string; revision: number }>('select status, revision from consents where id = $1', [id]);
    expect(row).toEqual({ status: 'active', revision: 1 });
    await assertIntactChain(id);
    // The same request through a healthy connection then succeeds.
    const ok = await post(`/v1/me/consents/${id}/withdraw`);
    expect(ok.status).toBe(200);
    await assertIntactChain(id);
  });
});
