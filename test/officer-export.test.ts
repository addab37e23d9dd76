/**
 * The streaming export of the access log: 20,000 events leave as RFC 4180
 * CSV or NDJSON, read from the database in keyset pages of EXPORT_PAGE_SIZE rows and only as
 * fast as the reader takes them — the database calls are counted through a wrapped Db, so
 * "memory stays flat" is checked by what is fetched, not by timing. Cells a spreadsheet would
 * run as formulas are neutralised.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/entry/app.js';
import { EXPORT_PAGE_SIZE } from '../src/officer/event-export.js';
import { insertAuditEvent } from '../src/storage/audit-repo.js';
import type { Db } from '../src/storage/db.js';
import { signUpOfficer } from './support/admin.js';
import { bearer, type SignedInCitizen } from './support/citizen.js';
import { ENGINE } from './support/database.js';
import { createTestService, seedTestCatalogue } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { officerGet, parseCsv, queryString, type Params, walkEvents } from './support/officer.js';

import type { Json } from './support/json.js';

const BULK = 20_000;
const BASE = '2021-05-01T00:00:00.000Z';

let t: TestContext;
let officer: SignedInCitizen;
let bulkService: string;
let oddService: string;
/** Bulk event ids, oldest first (created_at, id). */
let bulkIds: string[];

/** A Db that records the `limit` of every page query of the events table. */
function countingDb(db: Db): { db: Db; limits: number[] } {
  const limits: number[] = [];
  const wrapped: Db = {
    engine: db.engine,
    query: (text, params) => {
      if (/from audit_events e\s+left join services/.test(text)) limits.push(Number(params?.[params.length - 1]));
      return db.query(text, params);
    },
    exec: (script) => db.exec(script),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
  return { db: wrapped, limits };
}

beforeAll(async () => {
  t = await createTestContext();
  officer = await signUpOfficer(t);
  await seedTestCatalogue(t.db);
  bulkService = await createTestService(t.db, { clientId: 'bulk-svc' });
  oddService = await createTestService(t.db, { clientId: 'odd-svc' });
  // Seven events per second, so instants are shared across page boundaries and ids break the ties.
  await t.db.query(
    `insert into audit_events (id, type, actor_type, actor_id, service_id, request_id, data, created_at)
     select gen_random_uuid(), 'consent.checked', 'service', $1::text, $2::uuid, 'bulk-' || i,
            jsonb_build_object('subjectRef', 'ref-' || (i % 500),
                               'purpose', case when i % 2 = 0 then 't-benefits' else 't-research' end,
                               'dataCategories', jsonb_build_array('t-address'), 'processing', '[]'::jsonb,
                               'decision', case when i % 5 = 0 then 'deny' else 'permit' end)
              || case when i % 5 = 0 then '{"reason": "no_consent"}'::jsonb else '{}'::jsonb end,
            $3::timestamptz + (i / 7) * interval '1 second'
     from generate_series(1, ${BULK}) as i`,
    [bulkService, bulkService, BASE],
  );
  const rows = await t.db.query<{ id: string }>('select id::text as id from audit_events where service_id = $1 order by created_at, id', [bulkService]);
  bulkIds = rows.map((r) => r.id);
});
afterAll(async () => {
  expect(t.logged.filter((l) => l.level === 'error')).toEqual([]);
  await t.close();
});

/** Reads a response body chunk by chunk, calling `each` with the text so far. */
async function readAll(res: Response, each?: (textSoFar: string) => void): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
    each?.(text);
  }
}

const exportUrl = (params: Params) => `/v1/officer/events/export${queryString(params)}`;

describe(`officer export on ${ENGINE}`, () => {
  it(`streams ${BULK} events as RFC 4180 CSV in pages of ${EXPORT_PAGE_SIZE}, fetching only as the reader reads`, async () => {
    expect(bulkIds).toHaveLength(BULK);
    const counted = countingDb(t.db);
    const app = createApp({ ...t.deps, db: counted.db });
    const res = await app.request(exportUrl({ format: 'csv', serviceId: bulkService }), { headers: bearer(officer.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="permis-events-\d{8}T\d{6}Z\.csv"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Nothing has been read from the events table before the reader asks.
    expect(counted.limits).toEqual([]);

    let maxAhead = 0;
    const text = await readAll(res, (sofar) => {
      const rowsReceived = sofar.split('\r\n').length - 2;
      maxAhead = Math.max(maxAhead, counted.limits.length - Math.ceil(Math.max(rowsReceived, 0) / EXPORT_PAGE_SIZE));
    });
    // At most one page fetched beyond what the reader has taken.
    expect(maxAhead).toBeLessThanOrEqual(1);
    // 20 full pages and the empty one that ends the export: never the whole result at once.
    expect(counted.limits).toEqual(Array(BULK / EXPORT_PAGE_SIZE + 1).fill(EXPORT_PAGE_SIZE));

    const records = parseCsv(text);
    expect(records[0]).toEqual([
      'id',
      'createdAt',
      'leafIndex',
      'type',
      'actorType',
      'actorId',
      'serviceId',
      'serviceClientId',
      'citizenId',
      'consentId',
      'requestId',
      'subjectRef',
      'purposes',
      'dataCategories',
      'processing',
      'decision',
      'reason',
      'redacted',
      'data',
    ]);
    const body = records.slice(1);
    expect(body).toHaveLength(BULK);
    expect(body.every((r) => r.length === 19)).toBe(true);
    // Newest first by default, every event exactly once, in (created_at, id) order.
    expect(body.map((r) => r[0])).toEqual([...bulkIds].reverse());
    const row = Object.fromEntries(records[0]!.map((k, i) => [k, body[body.length - 1]![i]]));
    expect(row).toMatchObject({
      createdAt: '2021-05-01T00:00:00.000Z',
      leafIndex: '',
      type: 'consent.checked',
      actorType: 'service',
      actorId: bulkService,
      serviceId: bulkService,
      serviceClientId: 'bulk-svc',
      citizenId: '',
      consentId: '',
      dataCategories: 't-address',
      processing: '',
    });
    expect(JSON.parse(row.data!)).toMatchObject({ purpose: row.purposes, decision: row.decision, subjectRef: row.subjectRef });
    expect(body.filter((r) => r[15] === 'deny' && r[16] === 'no_consent')).toHaveLength(BULK / 5);
  });

  it('streams over a real HTTP server, chunked, without a length known in advance', async () => {
    const counted = countingDb(t.db);
    const server = serve({ fetch: createApp({ ...t.deps, db: counted.db }).fetch, port: 0, hostname: '127.0.0.1' });
    try {
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}${exportUrl({ format: 'csv', order: 'asc', serviceId: bulkService })}`, { headers: { authorization: `Bearer ${officer.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      const records = parseCsv(await res.text());
      expect(records.slice(1).map((r) => r[0])).toEqual(bulkIds);
      expect(counted.limits).toEqual(Array(BULK / EXPORT_PAGE_SIZE + 1).fill(EXPORT_PAGE_SIZE));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('stops reading the database when the reader cancels', async () => {
    const counted = countingDb(t.db);
    const app = createApp({ ...t.deps, db: counted.db });
    const res = await app.request(exportUrl({ format: 'ndjson', serviceId: bulkService }), { headers: bearer(officer.token) });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).split('\n').filter(Boolean)).toHaveLength(EXPORT_PAGE_SIZE);
    await reader.cancel();
    expect(counted.limits.length).toBeLessThanOrEqual(2);
  });

  it('exports NDJSON oldest first, each line the event as the search shows it', async () => {
    const res = await t.app.request(exportUrl({ format: 'ndjson', order: 'asc', serviceId: bulkService, decision: 'deny', to: '2021-05-01T00:30:00Z' }), {
      headers: bearer(officer.token),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(/filename="permis-events-\d{8}T\d{6}Z\.ndjson"$/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Json);
    // Half an hour of seven events a second (i / 7 < 1800 s: i = 1…12,599), one in five denied.
    const searched = await walkEvents(t, officer.token, { order: 'asc', serviceId: bulkService, decision: 'deny', to: '2021-05-01T00:30:00Z', limit: '200' });
    expect(lines.length).toBe(searched.items.length);
    expect(lines.length).toBe(2519);
    expect(lines).toEqual(searched.items);
  });

  it('quotes per RFC 4180 and neutralises spreadsheet formulas', async () => {
    const nasty = [
      { subjectRef: '=HYPERLINK("http://evil.example","click")', reason: 'plain' },
      { subjectRef: '+1+2', reason: 'a, b' },
      { subjectRef: '-2+3', reason: 'say "hi"' },
      { subjectRef: '@SUM(A1:A2)', reason: 'line one\r\nline two' },
      { subjectRef: '\t=1', reason: 'lf\nonly' },
      { subjectRef: 'safe-ref', reason: 'Caf\u00e9 \u{1F600} \u00e0 la carte' },
    ];
    const at = new Date('2021-06-01T00:00:00Z');
    for (const [i, d] of nasty.entries()) {
      await insertAuditEvent(t.db, {
        id: randomUUID(),
        type: 'consent.checked',
        actorType: 'service',
        actorId: '=cmd|/c calc!A1',
        serviceId: oddService,
        data: { ...d, purpose: 't-benefits', dataCategories: ['t-address', '=evil'], decision: 'deny' },
        createdAt: new Date(at.getTime() + i * 1000),
      });
    }
    const res = await t.app.request(exportUrl({ format: 'csv', order: 'asc', serviceId: oddService }), { headers: bearer(officer.token) });
    const text = await res.text();
    // Every record ends in CRLF; the only other line breaks are inside quoted fields.
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parseCsv(text).slice(1);
    expect(records.map((r) => r[11])).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+2", "'-2+3", "'@SUM(A1:A2)", "'\t=1", 'safe-ref']);
    expect(records.map((r) => r[16])).toEqual(['plain', 'a, b', 'say "hi"', 'line one\r\nline two', 'lf\nonly', 'Caf\u00e9 \u{1F600} \u00e0 la carte']);
    expect(records.every((r) => r[5] === "'=cmd|/c calc!A1")).toBe(true);
    expect(records[0]![13]).toBe('t-address =evil');
    // The JSON column round-trips exactly.
    expect(JSON.parse(records[3]![18]!)).toMatchObject({ subjectRef: '@SUM(A1:A2)', reason: 'line one\r\nline two' });
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
  });

  it('ends at the moment it was asked for, even with events arriving while it streams', async () => {
    const svc = await createTestService(t.db);
    const add = (offsetMs: number) =>
      insertAuditEvent(t.db, { id: randomUUID(), type: 'consent.checked', actorType: 'service', actorId: svc, serviceId: svc, data: { decision: 'permit' }, createdAt: new Date(t.clock.now().getTime() + offsetMs) });
    for (let i = 0; i < 3; i++) await add(-1000 * (i + 1));
    const res = await t.app.request(exportUrl({ format: 'ndjson', order: 'asc', serviceId: svc, to: '2999-01-01T00:00:00Z' }), { headers: bearer(officer.token) });
    // Arrives after the export was asked for, before its first page is read.
    await add(5);
    t.clock.advance(10);
    expect((await res.text()).trim().split('\n')).toHaveLength(3);
    const exported = await officerGet(t, officer.token, '/v1/officer/events', { type: 'officer.exported', limit: '1' });
    expect(exported.body.items[0].data.query.filters.to).not.toBe('2999-01-01T00:00:00Z');
  });
});
