/**
 * Helpers for the officer's view of the access log: calling it, walking every page, an
 * independent RFC 4180 parser, and the events table read back directly (the tests' oracle).
 */
import { expect } from 'vitest';
import type { Sql } from '../../src/storage/db.js';
import { bearer } from './citizen.js';
import type { TestContext } from './harness.js';

import type { Json } from './json.js';

/** Query parameters: a value, or several for a repeated parameter. */
export type Params = Record<string, string | string[] | undefined>;

/** `?a=1&b=2&b=3` for `params` (undefined values left out). */
export function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** GET an officer route with a session token; returns status and parsed body. */
export async function officerGet(t: TestContext, token: string, path: string, params: Params = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await t.app.request(`${path}${queryString(params)}`, { headers: bearer(token) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json, headers: res.headers };
}

/** Every event of a search, following `nextCursor` to the end; also the page sizes seen. */
export async function walkEvents(t: TestContext, token: string, params: Params, between?: (page: number) => Promise<void>): Promise<{ items: Json[]; pages: number[] }> {
  const items: Json[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const r = await officerGet(t, token, '/v1/officer/events', { ...params, cursor });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...(r.body.items as Json[]));
    pages.push(r.body.items.length);
    if (r.body.nextCursor === null) return { items, pages };
    cursor = r.body.nextCursor as string;
    await between?.(i);
  }
  throw new Error('the pages never ended');
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF records); written independently of src/. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (ch === '\n' || ch === '\r' || ch === '"') {
      throw new Error(`bare ${JSON.stringify(ch)} at ${i}: not RFC 4180`);
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length) throw new Error('the last record does not end with CRLF');
  return records;
}

/** An audit event as the table holds it. */
export interface StoredEvent {
  id: string;
  type: string;
  actorType: string;
  actorId: string | null;
  serviceId: string | null;
  consentId: string | null;
  citizenId: string | null;
  data: Json;
  /** Exact UTC time, microseconds: sorts as text. */
  at: string;
  ms: number;
}

/** Every audit event, oldest first by (created_at, id), read straight from the table. */
export async function storedEvents(sql: Sql): Promise<StoredEvent[]> {
  const rows = await sql.query<Json>(
    `select id::text as id, type, actor_type, actor_id, service_id::text as service_id, consent_id::text as consent_id,
            citizen_id::text as citizen_id, data,
            to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
     from audit_events`,
  );
  const events = rows.map(
    (r): StoredEvent => ({
      id: r.id,
      type: r.type,
      actorType: r.actor_type,
      actorId: r.actor_id,
      serviceId: r.service_id,
      consentId: r.consent_id,
      citizenId: r.citizen_id,
      data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
      at: r.at,
      ms: Date.parse(r.at),
    }),
  );
  // Sorted here, not by the database: the oracle must not share the code under test.
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
