/**
 * The officer's view of the access log: every filter selects
 * exactly what an independent oracle over the events table selects, pages are complete and
 * stable in both orders, the stats add up, and every officer query is itself in the log.
 * Events come from the real API (request → passkey approval → checks → withdrawal, a direct
 * grant) plus direct inserts for volume. Access and bad input: officer-access.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemRandom } from '../src/domain/runtime.js';
import { uuidv7 } from '../src/domain/ids.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { type AuditEvent, insertAuditEvent } from '../src/storage/audit-repo.js';
import { signUpOfficer } from './support/admin.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { grantBody } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { officerGet, type Params, type StoredEvent, storedEvents, walkEvents } from './support/officer.js';
import { approveConsentRequest, createConsentRequest, send } from './support/requests.js';
import { createServiceWithKey, getServiceToken, serviceBearer, type TestService } from './support/service-client.js';

import type { Json } from './support/json.js';

let t: TestContext;
let officer: SignedInCitizen;
let alice: SignedInCitizen;
let svcA: TestService;
let svcB: TestService;
let refA: string;
let pairwiseRef: string;
let consentA: string;
let consentB: string;
/** Every event before this instant was seeded; officers' own queries come after it. */
let cutoff: string;
let seeded: StoredEvent[];

const check = (token: string, subjectRef: string, extra: Record<string, unknown> = {}) =>
  send(t, 'POST', '/v1/check', serviceBearer(token), { subjectRef, purpose: 't-benefits', dataCategory: 't-address', ...extra });

const bulkServices = () => [svcA.id, svcB.id];
const reasons = ['no_consent', 'withdrawn', 'purpose_not_covered'];

/** 150 events over 2020-03-01…05, several sharing each instant (so ids break ties). */
function bulkEvent(i: number): AuditEvent {
  const at = new Date(Date.UTC(2020, 2, 1 + (i % 5), 10, 0, i % 7));
  const service = bulkServices()[i % 2]!;
  const base = { id: randomUUID(), requestId: `bulk-${i}`, createdAt: at };
  switch (i % 6) {
    case 3:
      return {
        ...base,
        type: 'consent.withdrawn',
        actorType: 'citizen',
        actorId: alice.citizenId,
        citizenId: alice.citizenId,
        serviceId: svcA.id,
        consentId: consentA,
        data: { revision: 2, status: 'withdrawn', purposes: ['t-benefits', 't-research'], dataCategories: ['t-income'], reason: 'moved away' },
      };
    case 4:
      return {
        ...base,
        type: 'request.created',
        actorType: 'service',
        actorId: svcB.id,
        serviceId: svcB.id,
        data: { subjectRef: `bulk-${i % 10}`, purposes: ['t-short'], dataCategories: ['t-address'], processing: [] },
      };
    case 5:
      return { ...base, type: 'role.granted', actorType: 'admin', actorId: 'cli', data: { role: 'officer' } };
    default: {
      const deny = i % 4 === 0;
      return {
        ...base,
        type: 'consent.checked',
        actorType: 'service',
        actorId: service,
        serviceId: service,
        data: {
          subjectRef: `bulk-${i % 10}`,
          purpose: (i >> 1) % 2 ? 't-research' : 't-benefits',
          dataCategories: i % 3 ? ['t-address'] : ['t-address', 't-health'],
          processing: [],
          decision: deny ? 'deny' : 'permit',
          ...(deny ? { reason: reasons[i % 3] } : {}),
        },
      };
    }
  }
}

beforeAll(async () => {
  t = await createTestContext({ config: { sessionTtlSeconds: 40 * 86_400 } });
  officer = await signUpOfficer(t);
  alice = await signUpCitizen(t.app, t.config, { displayName: 'Alice' });
  svcA = await createServiceWithKey(t);
  svcB = await createServiceWithKey(t);
  const tokenA = await getServiceToken(t.app, svcA);
  const tokenB = await getServiceToken(t.app, svcB);

  // Through the API: request → approval → checks → withdrawal → check; another service's checks; a direct grant.
  refA = `case-${randomUUID().slice(0, 8)}`;
  const req = await createConsentRequest(t, tokenA, refA);
  consentA = (await approveConsentRequest(t, alice, req.id)).consent.id;
  expect((await check(tokenA, refA)).body).toMatchObject({ decision: 'permit' });
  expect((await check(tokenA, refA, { purpose: 't-research' })).body).toMatchObject({ decision: 'deny', reason: 'purpose_not_covered' });
  expect((await check(tokenA, refA, { dataCategory: 't-health' })).body).toMatchObject({ decision: 'deny', reason: 'category_not_covered' });
  expect((await send(t, 'POST', `/v1/me/consents/${consentA}/withdraw`, bearer(alice.token), { reason: 'moved away' })).status).toBe(200);
  expect((await check(tokenA, refA)).body).toMatchObject({ decision: 'deny', reason: 'withdrawn' });
  expect((await check(tokenB, refA)).body).toMatchObject({ decision: 'deny', reason: 'no_consent' });
  const granted = await send(t, 'POST', '/v1/me/consents', bearer(alice.token), grantBody(svcB.id, t.clock.now(), { purposes: ['t-research'], dataCategories: ['t-health'] }));
  expect(granted.status, JSON.stringify(granted.body)).toBe(201);
  consentB = granted.body.consent.id;
  pairwiseRef = granted.body.consent.subjectRef;
  expect((await check(tokenB, pairwiseRef, { purpose: 't-research', dataCategory: 't-health' })).body).toMatchObject({ decision: 'permit' });

  // Direct inserts for volume.
  await t.db.transaction(async (tx) => {
    for (let i = 0; i < 150; i++) await insertAuditEvent(tx, bulkEvent(i));
  });

  t.clock.advance(60_000);
  cutoff = t.clock.now().toISOString();
  t.clock.advance(1_000);
  seeded = (await storedEvents(t.db)).filter((e) => e.at < cutoff);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** The ids the oracle selects, newest first. */
const expectedIds = (pred: (e: StoredEvent) => boolean) => seeded.filter(pred).map((e) => e.id).reverse();
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

describe(`officer search on ${ENGINE}`, () => {
  it('seeded a realistic mix through the API', () => {
    const types = new Set(seeded.map((e) => e.type));
    for (const ty of ['consent.checked', 'consent.granted', 'consent.withdrawn', 'request.created', 'request.approved', 'service.token_issued', 'citizen.signed_up']) {
      expect(types, ty).toContain(ty);
    }
  });

  it('selects with each filter exactly what the oracle selects, newest first', async () => {
    const consentsOf = (ref: string) => new Set([consentA, consentB].filter((_, i) => [refA, pairwiseRef][i] === ref));
    const cases: { params: Params; pred: (e: StoredEvent) => boolean }[] = [
      { params: { serviceId: svcA.id }, pred: (e) => e.serviceId === svcA.id },
      { params: { serviceId: svcB.id }, pred: (e) => e.serviceId === svcB.id },
      { params: { purpose: 't-research' }, pred: (e) => e.data.purpose === 't-research' || list(e.data.purposes).includes('t-research') },
      { params: { purpose: 't-short' }, pred: (e) => e.data.purpose === 't-short' || list(e.data.purposes).includes('t-short') },
      { params: { category: 't-health' }, pred: (e) => list(e.data.dataCategories).includes('t-health') },
      { params: { decision: 'deny' }, pred: (e) => e.data.decision === 'deny' },
      { params: { decision: 'permit' }, pred: (e) => e.data.decision === 'permit' },
      { params: { reason: 'withdrawn' }, pred: (e) => e.data.reason === 'withdrawn' },
      { params: { reason: 'moved away' }, pred: (e) => e.data.reason === 'moved away' },
      { params: { type: 'consent.withdrawn' }, pred: (e) => e.type === 'consent.withdrawn' },
      { params: { type: ['consent.granted', 'request.created'] }, pred: (e) => ['consent.granted', 'request.created'].includes(e.type) },
      { params: { type: 'consent.checked,request.approved' }, pred: (e) => ['consent.checked', 'request.approved'].includes(e.type) },
      { params: { subjectRef: refA }, pred: (e) => e.data.subjectRef === refA || consentsOf(refA).has(e.consentId ?? '') },
      { params: { subjectRef: pairwiseRef }, pred: (e) => e.data.subjectRef === pairwiseRef || consentsOf(pairwiseRef).has(e.consentId ?? '') },
      { params: { subjectRef: 'bulk-3' }, pred: (e) => e.data.subjectRef === 'bulk-3' },
      { params: { actorType: 'citizen' }, pred: (e) => e.actorType === 'citizen' },
      { params: { actorType: 'admin' }, pred: (e) => e.actorType === 'admin' },
      { params: { actorType: 'service', actorId: svcB.id }, pred: (e) => e.actorType === 'service' && e.actorId === svcB.id },
      { params: { actorId: alice.citizenId }, pred: (e) => e.actorId === alice.citizenId },
      { params: { consentId: consentA }, pred: (e) => e.consentId === consentA },
      { params: { from: '2020-03-02T00:00:00Z', to: '2020-03-04T00:00:00+00:00' }, pred: (e) => e.ms >= Date.UTC(2020, 2, 2) && e.ms < Date.UTC(2020, 2, 4) },
      { params: { from: '2020-03-03T11:00:00+01:00' }, pred: (e) => e.ms >= Date.UTC(2020, 2, 3, 10) },
      {
        params: { serviceId: svcA.id, decision: 'deny', purpose: 't-research', category: 't-address' },
        pred: (e) => e.serviceId === svcA.id && e.data.decision === 'deny' && e.data.purpose === 't-research' && list(e.data.dataCategories).includes('t-address'),
      },
      {
        params: { serviceId: svcA.id, subjectRef: refA, type: 'consent.granted,consent.withdrawn' },
        pred: (e) =>
          e.serviceId === svcA.id &&
          ['consent.granted', 'consent.withdrawn'].includes(e.type) &&
          (e.data.subjectRef === refA || consentsOf(refA).has(e.consentId ?? '')),
      },
      { params: { serviceId: svcB.id, subjectRef: refA }, pred: (e) => e.serviceId === svcB.id && e.data.subjectRef === refA },
      { params: { reason: 'no-such-reason' }, pred: () => false },
    ];
    for (const { params, pred } of cases) {
      const want = expectedIds(pred);
      const got = await walkEvents(t, officer.token, { to: cutoff, limit: '200', ...params });
      expect(got.items.map((e) => e.id), JSON.stringify(params)).toEqual(want);
      // Each filter really filters (the empty case aside).
      if (params.reason !== 'no-such-reason') {
        expect(want.length, JSON.stringify(params)).toBeGreaterThan(0);
        expect(want.length, JSON.stringify(params)).toBeLessThan(seeded.length);
      }
    }
  });

  it('finds the consent transitions of a subjectRef, not just its checks', async () => {
    // The API's events only (the bulk ones of 2020 name consentA too).
    const got = await walkEvents(t, officer.token, { subjectRef: refA, from: new Date(Date.parse(cutoff) - 3_600_000).toISOString(), to: cutoff, order: 'asc' });
    const types = got.items.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['request.created', 'request.approved', 'consent.granted', 'consent.withdrawn', 'consent.checked']));
    expect(types[0]).toBe('request.created');
    expect(got.items.filter((e) => e.type === 'consent.checked')).toHaveLength(5);
  });

  it('shows an event with its service, data and leaf index', async () => {
    const r = await officerGet(t, officer.token, '/v1/officer/events', { subjectRef: refA, reason: 'category_not_covered' });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    const e = r.body.items[0];
    expect(e).toEqual({
      id: expect.any(String),
      type: 'consent.checked',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      actorType: 'service',
      actorId: svcA.id,
      serviceId: svcA.id,
      serviceClientId: svcA.clientId,
      citizenId: alice.citizenId,
      consentId: consentA,
      requestId: expect.any(String),
      data: { subjectRef: refA, purpose: 't-benefits', dataCategories: ['t-health'], processing: [], decision: 'deny', reason: 'category_not_covered', revision: 1 },
      leafIndex: null,
      redacted: false,
    });
    expect(r.headers.get('cache-control')).toBe('no-store');
    // Once integrated into the transparency log, the event shows its leaf.
    await integrateLog(t.deps);
    const after = await officerGet(t, officer.token, '/v1/officer/events', { subjectRef: refA, reason: 'category_not_covered' });
    expect(after.body.items[0].leafIndex).toMatch(/^(0|[1-9]\d*)$/);
    const [row] = await t.db.query<{ leaf_index: bigint | string }>('select l.leaf_index from audit_events e join log_leaves l on l.seq = e.seq where e.id = $1', [e.id]);
    expect(after.body.items[0].leafIndex).toBe(String(row!.leaf_index));
  });

  it('pages completely and stably in both orders, ties broken by id', async () => {
    const all = seeded.map((e) => e.id);
    // Many events share an instant: the seeded bulk repeats each one, and API calls share the test clock.
    expect(new Set(seeded.map((e) => e.at)).size).toBeLessThan(seeded.length / 2);
    const desc = await walkEvents(t, officer.token, { to: cutoff, limit: '7' });
    const asc = await walkEvents(t, officer.token, { to: cutoff, limit: '7', order: 'asc' });
    expect(asc.items.map((e) => e.id)).toEqual(all);
    expect(desc.items.map((e) => e.id)).toEqual([...all].reverse());
    expect(desc.pages.slice(0, -1).every((n) => n === 7)).toBe(true);
    expect(desc.pages.reduce((a, b) => a + b, 0)).toBe(all.length);
  });

  it('keeps paging stable while events arrive', async () => {
    const before = (await storedEvents(t.db)).map((e) => e.id);
    const arrived: string[] = [];
    // Newest first: events arriving during the walk are newer than every cursor and never show up.
    const desc = await walkEvents(t, officer.token, { limit: '25' }, async () => {
      t.clock.advance(1);
      const id = uuidv7(t.clock, systemRandom);
      arrived.push(id);
      await insertAuditEvent(t.db, { id, type: 'consent.checked', actorType: 'service', actorId: svcA.id, serviceId: svcA.id, data: { decision: 'permit' }, createdAt: t.clock.now() });
    });
    const ids = desc.items.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...before].reverse());
    expect(arrived.length).toBeGreaterThan(5);

    // Oldest first: nothing repeats, nothing is skipped, and what arrived meanwhile follows at the end.
    const start = (await storedEvents(t.db)).map((e) => e.id);
    const late: string[] = [];
    const asc = await walkEvents(t, officer.token, { limit: '50', order: 'asc' }, async (page) => {
      if (page > 3) return;
      t.clock.advance(1);
      const id = uuidv7(t.clock, systemRandom);
      late.push(id);
      await insertAuditEvent(t.db, { id, type: 'consent.checked', actorType: 'service', actorId: svcB.id, serviceId: svcB.id, data: { decision: 'deny' }, createdAt: t.clock.now() });
    });
    const got = asc.items.map((e) => e.id);
    expect(new Set(got).size).toBe(got.length);
    expect(got.slice(0, start.length)).toEqual(start);
    expect(got).toEqual(expect.arrayContaining(late));
    const final = (await storedEvents(t.db)).map((e) => e.id);
    expect(final.slice(0, got.length)).toEqual(got);
  });
});

describe(`officer stats on ${ENGINE}`, () => {
  const range = { from: '2020-03-01T00:00:00Z', to: '2020-03-06T00:00:00Z' };
  const inRange = (e: StoredEvent) => e.ms >= Date.parse(range.from) && e.ms < Date.parse(range.to);

  /** Counts by key, largest first, ties by key (the API's order). */
  function tally<K extends string | null>(events: StoredEvent[], keys: (e: StoredEvent) => K[]): [K, number][] {
    const m = new Map<K, number>();
    for (const e of events) for (const k of keys(e)) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1));
  }

  it('counts per service, purpose and day, and denied checks per reason and service', async () => {
    const events = seeded.filter(inRange);
    expect(events).toHaveLength(150);
    const r = await officerGet(t, officer.token, '/v1/officer/stats', range);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const clientOf = (id: string | null) => (id === svcA.id ? svcA.clientId : id === svcB.id ? svcB.clientId : null);
    const denied = events.filter((e) => e.data.decision === 'deny');
    expect(r.body).toEqual({
      from: range.from,
      to: range.to,
      total: 150,
      byService: tally(events, (e) => [e.serviceId]).map(([serviceId, count]) => ({ serviceId, clientId: clientOf(serviceId), count })),
      byPurpose: tally(events, (e) => (typeof e.data.purpose === 'string' ? [e.data.purpose] : list(e.data.purposes))).map(([purpose, count]) => ({ purpose, count })),
      byDay: ['2020-03-01', '2020-03-02', '2020-03-03', '2020-03-04', '2020-03-05'].map((day) => ({ day, count: 30 })),
      denied: {
        total: denied.length,
        byReason: tally(denied, (e) => [e.data.reason as string]).map(([reason, count]) => ({ reason, count })),
        byService: tally(denied, (e) => [e.serviceId]).map(([serviceId, count]) => ({ serviceId, clientId: clientOf(serviceId), count })),
      },
    });
    expect(r.body.denied.total).toBeGreaterThan(0);
    expect(r.body.byService.find((s: Json) => s.serviceId === null)).toMatchObject({ count: 25 });
  });

  it('applies the filters to the counts', async () => {
    const r = await officerGet(t, officer.token, '/v1/officer/stats', { ...range, serviceId: svcA.id, type: 'consent.checked' });
    expect(r.status).toBe(200);
    const events = seeded.filter((e) => inRange(e) && e.serviceId === svcA.id && e.type === 'consent.checked');
    expect(r.body.total).toBe(events.length);
    expect(r.body.byService).toEqual([{ serviceId: svcA.id, clientId: svcA.clientId, count: events.length }]);
    expect(r.body.denied.total).toBe(events.filter((e) => e.data.decision === 'deny').length);
    const days = await officerGet(t, officer.token, '/v1/officer/stats', { from: '2020-03-02T12:00:00+02:00', to: '2020-03-04T00:00:00Z' });
    expect(days.body.byDay).toEqual([
      { day: '2020-03-02', count: 30 },
      { day: '2020-03-03', count: 30 },
    ]);
  });

  it('covers the last 30 days up to now by default', async () => {
    const r = await officerGet(t, officer.token, '/v1/officer/stats', { serviceId: svcA.id });
    expect(r.status).toBe(200);
    expect(r.body.to).toBe(t.clock.now().toISOString());
    expect(Date.parse(r.body.to) - Date.parse(r.body.from)).toBe(30 * 86_400_000);
    const now = (await storedEvents(t.db)).filter((e) => e.serviceId === svcA.id && e.ms >= Date.parse(r.body.from) && e.ms < Date.parse(r.body.to));
    expect(r.body.total).toBe(now.length);
    expect(r.body.total).toBeGreaterThan(0);
  });
});

describe(`officers' own queries on ${ENGINE}`, () => {
  const officerEvents = (type: string) =>
    t.db.query<Json>(`select id::text as id, actor_type, actor_id, citizen_id, service_id, data from audit_events where type = $1 and actor_id = $2 order by created_at, id`, [
      type,
      officer.citizenId,
    ]);

  it('writes every search, stats call and export to the log before answering', async () => {
    const searches = (await officerEvents('officer.searched')).length;
    const r = await officerGet(t, officer.token, '/v1/officer/events', { subjectRef: refA, decision: 'deny', type: 'consent.checked', limit: '3' });
    expect(r.status).toBe(200);
    const after = await officerEvents('officer.searched');
    expect(after).toHaveLength(searches + 1);
    expect(after.at(-1)).toMatchObject({
      actor_type: 'officer',
      actor_id: officer.citizenId,
      citizen_id: null,
      service_id: null,
      data: { query: { filters: { subjectRef: refA, decision: 'deny', types: ['consent.checked'] }, order: 'desc', limit: 3, returned: 3 } },
    });

    const s = await officerGet(t, officer.token, '/v1/officer/stats', { serviceId: svcB.id, from: '2020-01-01T00:00:00Z', to: '2020-12-31T00:00:00Z' });
    expect(s.status).toBe(200);
    expect((await officerEvents('officer.stats_viewed')).at(-1)).toMatchObject({
      data: { query: { filters: { serviceId: svcB.id, from: '2020-01-01T00:00:00Z', to: '2020-12-31T00:00:00Z' } } },
    });

    // The export's event is committed before the first byte: it is there before the body is read.
    const res = await t.app.request(`/v1/officer/events/export?format=ndjson&purpose=t-research`, { headers: bearer(officer.token) });
    expect(res.status).toBe(200);
    const exported = (await officerEvents('officer.exported')).at(-1);
    expect(exported).toMatchObject({ actor_type: 'officer', data: { query: { filters: { purpose: 't-research', to: expect.any(String) }, format: 'ndjson', order: 'desc' } } });
    await res.text();
  });

  it('puts the officer’s queries in the log other officers search, and in the Merkle tree', async () => {
    const other = await signUpOfficer(t, { displayName: 'Second Officer' });
    const mine = await officerGet(t, officer.token, '/v1/officer/events', { consentId: consentB });
    expect(mine.status).toBe(200);
    const seen = await officerGet(t, other.token, '/v1/officer/events', { type: 'officer.searched', actorId: officer.citizenId, limit: '1' });
    expect(seen.body.items[0]).toMatchObject({
      type: 'officer.searched',
      actorType: 'officer',
      actorId: officer.citizenId,
      data: { query: { filters: { consentId: consentB } } },
    });
    await integrateLog(t.deps);
    const again = await officerGet(t, other.token, '/v1/officer/events', { type: 'officer.searched', actorType: 'officer', actorId: officer.citizenId, limit: '200' });
    const entry = again.body.items.find((e: Json) => e.id === seen.body.items[0].id);
    expect(entry.leafIndex).toMatch(/^\d+$/);
  });
});
