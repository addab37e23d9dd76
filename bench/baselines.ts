/**
 * The two baselines the check is measured against. They exist only in the bench
 * server, never in the product app:
 * - `GET /bench/hello`: Hono's hello world.
 * - `POST /bench/floor`: the SQL a check cannot do without — one indexed lookup of the
 *   consents of (service, subjectRef) and one audit insert, each a plain `db.query` on the
 *   app's own pool — with no auth, validation, decision or group commit. Its audit rows have
 *   the type `bench.floor`, so they are never counted as checks.
 */
import { Hono } from 'hono';
import { uuidv7 } from '../src/domain/ids.js';
import type { Clock, Random } from '../src/domain/runtime.js';
import type { Db } from '../src/storage/db.js';

const LOOKUP = `select id, citizen_id, revision, status, purposes, categories, processing, valid_until, updated_at
  from consents where service_id = $1 and subject_ref = $2`;

const INSERT = `insert into audit_events (id, type, actor_type, actor_id, citizen_id, service_id, consent_id, request_id, data, created_at)
  values ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10)`;

/** The baseline routes, reading and writing through `db` for the service `serviceId`. */
export function baselineApp(deps: { db: Db; clock: Clock; random: Random }, serviceId: string): Hono {
  const app = new Hono();
  app.get('/bench/hello', (c) => c.text('hello'));
  app.post('/bench/floor', async (c) => {
    const body = await c.req.json<{ subjectRef: string }>();
    const rows = await deps.db.query<{ id: string; citizen_id: string }>(LOOKUP, [serviceId, body.subjectRef]);
    const id = uuidv7(deps.clock, deps.random);
    const now = deps.clock.now();
    await deps.db.query(INSERT, [id, 'bench.floor', 'service', serviceId, rows[0]?.citizen_id ?? null, serviceId, rows[0]?.id ?? null, null, body, now]);
    return c.json({ id, consents: rows.length, at: now.toISOString() });
  });
  return app;
}
