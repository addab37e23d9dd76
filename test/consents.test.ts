import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../src/jobs/expiry-sweep.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, grantBody, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { fetchJwks, sha256b64url, termsHashOf, verifyReceipt } from './support/receipts.js';

let t: TestContext;
let alice: SignedInCitizen;
let bob: SignedInCitizen;
let serviceId: string;

import type { Json } from './support/json.js';

async function call(method: string, path: string, who: SignedInCitizen | null, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, {
    method,
    headers: { ...(who ? bearer(who.token) : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

async function grant(who: SignedInCitizen, overrides: Record<string, unknown> = {}) {
  const r = await call('POST', '/v1/me/consents', who, grantBody(serviceId, t.clock.now(), overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 10 * 86_400 } });
  await seedTestCatalogue(t.db);
  serviceId = await createTestService(t.db);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  bob = await signUpCitizen(t.app, t.config, { displayName: 'Bob', alg: 'Ed25519' });
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

describe(`consents on ${ENGINE}`, () => {
  it('grants a consent with a receipt that verifies with only the published JWKS', async () => {
    const { consent, receipt } = await grant(alice);
    expect(consent).toMatchObject({ revision: 1, status: 'active', serviceId, purposes: ['t-benefits'], dataCategories: ['t-address', 't-income'] });
    expect(consent.subjectRef).toMatch(/^ps-/);
    expect(termsHashOf(consent.terms)).toBe(consent.termsHash);
    const jwks = await fetchJwks(t.app);
    const { payload, protectedHeader } = await verifyReceipt(receipt.jws, jwks);
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'consent-receipt+jwt', kid: receipt.kid });
    expect(payload).toMatchObject({
      event: 'granted',
      consentId: consent.id,
      revision: 1,
      status: 'active',
      termsHash: consent.termsHash,
      predecessorHash: null,
      piiPrincipalId: consent.subjectRef,
      version: 'KI-CR-v1.1.0',
      jti: receipt.id,
      consentReceiptID: receipt.id,
    });
    expect(receipt.receiptHash).toBe(sha256b64url(receipt.jws));
    // The citizen's internal id never leaves Permís.
    expect(receipt.jws).not.toContain(alice.citizenId);
    expect(JSON.stringify(payload)).not.toContain(alice.citizenId);
  });

  it('gives the same pairwise subjectRef per service, different from other citizens', async () => {
    const a1 = await grant(alice);
    const a2 = await grant(alice);
    const b1 = await grant(bob);
    expect(a1.consent.subjectRef).toBe(a2.consent.subjectRef);
    expect(b1.consent.subjectRef).not.toBe(a1.consent.subjectRef);
    const other = await createTestService(t.db);
    const a3 = await call('POST', '/v1/me/consents', alice, grantBody(other, t.clock.now()));
    expect(a3.body.consent.subjectRef).not.toBe(a1.consent.subjectRef);
  });

  it('walks narrow → pause → resume → withdraw with a contiguous, chained history', async () => {
    const { consent } = await grant(alice, { purposes: ['t-benefits', 't-research'], processing: ['t-use', 't-share'] });
    const id = consent.id;
    const narrowed = await call('POST', `/v1/me/consents/${id}/narrow`, alice, { purposes: ['t-benefits'], processing: ['t-use'] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.consent).toMatchObject({ revision: 2, status: 'active', purposes: ['t-benefits'], processing: ['t-use'] });
    expect(narrowed.body.consent.termsHash).not.toBe(consent.termsHash);
    expect(narrowed.headers.get('etag')).toBe('"2"');
    for (const [action, status, revision] of [['pause', 'paused', 3], ['resume', 'active', 4], ['withdraw', 'withdrawn', 5]] as const) {
      const r = await call('POST', `/v1/me/consents/${id}/${action}`, alice, action === 'withdraw' ? { reason: 'I moved away' } : undefined);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.consent).toMatchObject({ status, revision });
    }
    const again = await call('POST', `/v1/me/consents/${id}/resume`, alice);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', status: 409 });
    expect(again.headers.get('content-type')).toContain('application/problem+json');

    const read = await call('GET', `/v1/me/consents/${id}`, alice);
    expect(read.body).toMatchObject({ status: 'withdrawn', revision: 5, endReason: 'I moved away' });
    expect(read.body.endedAt).toBeTruthy();

    const revisions = (await call('GET', `/v1/me/consents/${id}/revisions`, alice)).body.items as Json[];
    expect(revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    expect(revisions.map((r) => r.event)).toEqual(['granted', 'narrowed', 'paused', 'resumed', 'withdrawn']);

    const receipts = (await call('GET', `/v1/me/consents/${id}/receipts`, alice)).body.items as Json[];
    expect(receipts).toHaveLength(5);
    const jwks = await fetchJwks(t.app);
    let prev: string | null = null;
    for (const r of receipts) {
      const { payload } = await verifyReceipt(r.jws, jwks);
      expect(payload.predecessorHash).toBe(prev);
      expect(payload.revision).toBe(r.revision);
      prev = sha256b64url(r.jws);
    }
    expect(read.body.lastReceiptHash).toBe(prev);
    // Every transition wrote its audit event and outbox row in the same transaction.
    const audit = await t.db.query<{ n: number }>(`select count(*)::int as n from audit_events where consent_id = $1`, [id]);
    const outbox = await t.db.query<{ n: number }>(`select count(*)::int as n from webhook_outbox where payload->'data'->>'consentId' = $1`, [id]);
    expect(audit[0]!.n).toBe(5);
    expect(outbox[0]!.n).toBe(5);
  });

  it('refuses terms outside the catalogue, the service registration or the validity cap', async () => {
    const limited = await createTestService(t.db, { purposes: ['t-benefits'], categories: ['t-address'], processing: [] });
    const now = t.clock.now();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ purposes: ['no-such-purpose'] }, 400, 'term_unknown'],
      [{ dataCategories: ['t-address', 'nope-cat'] }, 400, 'term_unknown'],
      [{ purposes: ['t-research'] }, 400, 'term_not_allowed'],
      [{ dataCategories: ['t-income'] }, 400, 'term_not_allowed'],
      [{ processing: ['t-share'] }, 400, 'term_not_allowed'],
      [{ validUntil: new Date(now.getTime() - 1000).toISOString() }, 400, 'validity_out_of_range'],
      [{ validUntil: new Date(now.getTime() + 400 * 86_400_000).toISOString() }, 400, 'validity_out_of_range'],
      [{ validUntil: 'next tuesday' }, 400, 'validation_failed'],
      [{ serviceId: '01938f2e-8a4b-7c3d-9e5f-0a1b2c3d4e5f' }, 404, 'not_found'],
      [{ notice: { language: 'fr', version: '1', text: 'x' } }, 400, 'validation_failed'],
      [{ extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [override, status, code] of cases) {
      const r = await call('POST', '/v1/me/consents', alice, { ...grantBody(limited, now, { dataCategories: ['t-address'], processing: [] }), ...override });
      expect(r.status, JSON.stringify(override)).toBe(status);
      expect(r.body.code, JSON.stringify(override)).toBe(code);
    }
    // The strictest purpose caps the duration: t-short allows 30 days.
    const capped = await call('POST', '/v1/me/consents', alice, grantBody(serviceId, now, { purposes: ['t-benefits', 't-short'] }));
    expect(capped.body).toMatchObject({ code: 'validity_out_of_range' });
    const suspended = await createTestService(t.db, { status: 'suspended' });
    const s = await call('POST', '/v1/me/consents', alice, grantBody(suspended, now));
    expect(s.status).toBe(409);
    expect(s.body.code).toBe('service_suspended');
  });

  it('refuses narrowing that widens or changes nothing', async () => {
    const { consent } = await grant(alice);
    const wider = await call('POST', `/v1/me/consents/${consent.id}/narrow`, alice, { purposes: ['t-benefits', 't-research'] });
    expect(wider.status).toBe(400);
    expect(wider.body.code).toBe('consent_not_narrower');
    const later = await call('POST', `/v1/me/consents/${consent.id}/narrow`, alice, {
      validUntil: new Date(new Date(consent.validUntil).getTime() + 86_400_000).toISOString(),
    });
    expect(later.body.code).toBe('consent_not_narrower');
    const same = await call('POST', `/v1/me/consents/${consent.id}/narrow`, alice, { purposes: ['t-benefits'] });
    expect(same.status).toBe(409);
    expect(same.body.code).toBe('consent_not_narrower');
    const empty = await call('POST', `/v1/me/consents/${consent.id}/narrow`, alice, {});
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('validation_failed');
  });

  it('honours If-Match with 412 when the revision moved on', async () => {
    const { consent } = await grant(alice);
    expect((await call('POST', `/v1/me/consents/${consent.id}/pause`, alice, undefined, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await call('POST', `/v1/me/consents/${consent.id}/resume`, alice, undefined, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'precondition_failed', currentRevision: 2 });
  });

  it('never lets one citizen read or change another citizen’s consents', async () => {
    const { consent } = await grant(alice);
    for (const [method, path, body] of [
      ['GET', `/v1/me/consents/${consent.id}`],
      ['GET', `/v1/me/consents/${consent.id}/revisions`],
      ['GET', `/v1/me/consents/${consent.id}/receipts`],
      ['POST', `/v1/me/consents/${consent.id}/pause`],
      ['POST', `/v1/me/consents/${consent.id}/withdraw`],
      ['POST', `/v1/me/consents/${consent.id}/narrow`, { purposes: ['t-benefits'] }],
    ] as const) {
      const r = await call(method, path, bob, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe('not_found');
    }
    const list = await call('GET', '/v1/me/consents?limit=200', bob);
    expect((list.body.items as Json[]).some((c) => c.id === consent.id)).toBe(false);
    const unauth = await call('GET', `/v1/me/consents/${consent.id}`, null);
    expect(unauth.status).toBe(401);
    expect((await call('GET', `/v1/me/consents/${consent.id}`, alice)).body.status).toBe('active');
  });

  it('paginates with a cursor, newest first, and filters by status', async () => {
    const carol = await signUpCitizen(t.app, t.config, { displayName: 'Carol' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await grant(carol)).consent.id);
    await call('POST', `/v1/me/consents/${ids[0]}/pause`, carol);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call('GET', `/v1/me/consents?limit=2${cursor ? `&cursor=${cursor}` : ''}`, carol);
      expect(r.status).toBe(200);
      seen.push(...(r.body.items as Json[]).map((c) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const paused = await call('GET', '/v1/me/consents?status=paused', carol);
    expect((paused.body.items as Json[]).map((c) => c.id)).toEqual([ids[0]]);
    await call('POST', `/v1/me/consents/${ids[1]}/withdraw`, carol);
    for (const [status, expected] of [['withdrawn', [ids[1]]], ['revoked', []], ['expired', []], ['active', [ids[4], ids[3], ids[2]]]] as const) {
      const r = await call('GET', `/v1/me/consents?status=${status}`, carol);
      expect(r.status, status).toBe(200);
      expect((r.body.items as Json[]).map((c) => c.id), status).toEqual(expected);
    }
    const bad = await call('GET', '/v1/me/consents?cursor=not-a-cursor', carol);
    expect(bad.status).toBe(400);
  });

  it('replays an Idempotency-Key and refuses it with another body', async () => {
    const body = grantBody(serviceId, t.clock.now());
    const headers = { 'idempotency-key': `grant-${Math.random()}` };
    const first = await call('POST', '/v1/me/consents', alice, body, headers);
    const second = await call('POST', '/v1/me/consents', alice, body, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.consent.id).toBe(first.body.consent.id);
    const other = await call('POST', '/v1/me/consents', alice, { ...body, purposes: ['t-research'] }, headers);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    // Keys are per citizen: Bob's identical key is his own.
    const bobs = await call('POST', '/v1/me/consents', bob, body, headers);
    expect(bobs.status).toBe(201);
    expect(bobs.body.consent.id).not.toBe(first.body.consent.id);
  });

  it('expires consents: readers see expired at once, the sweep records it with a receipt', async () => {
    const { consent } = await grant(alice, { purposes: ['t-short'], validUntil: new Date(t.clock.now().getTime() + 2 * 86_400_000).toISOString() });
    t.clock.advance(3 * 86_400_000);
    try {
      const read = await call('GET', `/v1/me/consents/${consent.id}`, alice);
      expect(read.body).toMatchObject({ status: 'expired', revision: 1, endReason: 'expired' });
      const pause = await call('POST', `/v1/me/consents/${consent.id}/pause`, alice);
      expect(pause.status).toBe(409);
      const listed = await call('GET', '/v1/me/consents?status=active&limit=200', alice);
      expect((listed.body.items as Json[]).some((c) => c.id === consent.id)).toBe(false);
      const n = await sweepExpired(t.deps);
      expect(n).toBeGreaterThanOrEqual(1);
      const after = await call('GET', `/v1/me/consents/${consent.id}`, alice);
      expect(after.body).toMatchObject({ status: 'expired', revision: 2 });
      const receipts = (await call('GET', `/v1/me/consents/${consent.id}/receipts`, alice)).body.items as Json[];
      expect(receipts.map((r) => r.event)).toEqual(['granted', 'expired']);
      const { payload } = await verifyReceipt(receipts[1]!.jws, await fetchJwks(t.app));
      expect(payload).toMatchObject({ status: 'expired', predecessorHash: sha256b64url(receipts[0]!.jws) });
      expect(await sweepExpired(t.deps)).toBe(0);
    } finally {
      t.clock.set(new Date());
    }
  });
});
