/**
 * Seeds pending audit events for the log benchmark, fast: `insert … select` over
 * `generate_series` in chunks, two at a time, with a progress bar. Every row is a realistic
 * `consent.checked` event as src/consent/check-consent.ts writes it (service actor, citizen,
 * consent, request id, subjectRef, purpose, categories, processing, decision, a deny reason on
 * ~7 %), with a UUIDv7-shaped id and increasing `created_at`, and no leaf index yet: exactly
 * what the integrator finds after a burst of checks. All the product's indexes stay in place.
 */
import type { Db } from '../src/storage/db.js';
import { progressBar } from './progress.js';

const CHUNK = 50_000;
const PARALLEL = 2;

// Rows [$1, $2): event k of a log whose first event is at $3, one every 250 µs.
const CHUNK_SQL = `
insert into audit_events (id, type, actor_type, actor_id, citizen_id, service_id, consent_id, request_id, data, created_at)
select (lpad(to_hex((extract(epoch from t.at) * 1000)::bigint), 12, '0') || '7' || substr(t.h, 1, 3) || '8' || substr(t.h, 4, 15))::uuid,
       'consent.checked', 'service', t.service_id::text, case when t.deny_kind = 1 then null else t.citizen_id end, t.service_id,
       case when t.deny_kind = 1 then null else t.consent_id end, 'req_' || substr(t.h, 20, 12),
       jsonb_build_object('subjectRef', t.subject_ref, 'purpose', t.purpose, 'dataCategories', t.categories,
                          'processing', t.processing, 'decision', case when t.deny_kind > 0 then 'deny' else 'allow' end)
         || case t.deny_kind when 1 then '{"reason": "no_consent"}'::jsonb
                             when 2 then '{"reason": "withdrawn", "revision": 2}'::jsonb
                             when 3 then '{"reason": "category_not_covered", "revision": 1}'::jsonb
                             else jsonb_build_object('revision', 1 + t.k % 3) end,
       t.at
from (
  select k, md5(k::text) as h,
         $3::timestamptz + make_interval(secs => k * 0.00025) as at,
         md5('bench-log-service-' || (k % 5))::uuid as service_id,
         md5('bench-log-citizen-' || ((k * 7919) % 1000003))::uuid as citizen_id,
         md5('bench-log-consent-' || ((k * 7919) % 1000003) || '-' || (k % 5))::uuid as consent_id,
         'sub-' || (k % 5) || '-' || lpad(((k * 7919) % 1000003)::text, 7, '0') as subject_ref,
         (array['service-delivery', 'notifications', 'research', 'analytics'])[1 + (k / 7) % 4] as purpose,
         case (k / 3) % 3 when 0 then '["contact"]'::jsonb when 1 then '["contact", "address"]'::jsonb else '["health", "contact"]'::jsonb end as categories,
         case k % 4 when 0 then '["store"]'::jsonb when 1 then '[]'::jsonb else '["store", "share"]'::jsonb end as processing,
         case when (k * 2654435761) % 1000 < 930 then 0 else 1 + (k % 3)::int end as deny_kind
  from generate_series($1::bigint, $2::bigint - 1) as k
) t`;

/** Inserts `count` pending `consent.checked` events; returns the seconds it took. */
export async function seedLogEvents(db: Db, count: number): Promise<number> {
  const started = performance.now();
  const first = new Date(Date.now() - Math.ceil(count * 0.00025 + 3600) * 1000);
  const bar = progressBar('seeding audit events', count, 'events');
  let next = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= count) return;
      const to = Math.min(count, from + CHUNK);
      next = to;
      await db.transaction(async (tx) => {
        await tx.query('set local synchronous_commit = off');
        await tx.query('set local jit = off');
        await tx.query(CHUNK_SQL, [from, to, first]);
      });
      bar.tick(to - from);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  bar.done();
  await db.query('analyze audit_events');
  return (performance.now() - started) / 1000;
}
