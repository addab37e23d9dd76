/**
 * The per-service events feed: every outbox message of a service, in an order
 * that a cursor can follow without ever skipping a message.
 *
 * Why not order by id: ids are UUIDv7 taken when a transaction writes its outbox row, but
 * transactions commit in any order. A reader that has seen id B could later miss a message A
 * < B that committed after it looked. So the feed does not expose a message until the
 * sequencer has given it a `feed_seq`:
 *
 * - The sequencer runs in a transaction holding an advisory lock (one sequencer at a time,
 *   on any number of replicas: a busy lock means another one is at work, and it skips).
 * - It sees only committed messages, and numbers the unnumbered ones (in id order) after
 *   the largest `feed_seq` so far. Because it starts after the previous sequencer committed
 *   (the lock is held until commit), every number it hands out is larger than every number
 *   any reader could already have seen.
 * - A message that commits late is simply numbered by a later run, after everything already
 *   in the feed. The feed reads `feed_seq > cursor`, so nothing is ever skipped and nothing
 *   is repeated.
 *
 * The delivery job runs the sequencer on every tick; the feed route runs it too before
 * reading, so the feed is current even where the job runs only once a minute (Workers cron).
 */
import type { Db, Sql } from './db.js';

// Fixed advisory-lock key of the feed sequencer (7_245_001 migrations, 7_245_002 signing keys).
const FEED_LOCK = 7_245_005;

/** One message of the feed. */
export interface FeedMessage {
  id: string;
  serviceId: string;
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  feedSeq: bigint;
}

/**
 * Gives committed, unnumbered outbox messages their feed position (at most `batch`, default
 * 1,000, per call). Returns how many it numbered; 0 also when another sequencer holds the lock.
 */
export async function sequenceFeed(db: Db, opts: { batch?: number } = {}): Promise<number> {
  const batch = Math.max(1, Math.trunc(opts.batch ?? 1000));
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [FEED_LOCK]);
    if (!lock?.ok) return 0;
    const rows = await tx.query(
      `with base as (select coalesce(max(feed_seq), 0) as top from webhook_outbox),
            todo as (select id, row_number() over (order by id) as n from webhook_outbox where feed_seq is null order by id limit $1)
       update webhook_outbox o set feed_seq = base.top + todo.n from todo, base where o.id = todo.id returning o.id`,
      [batch],
    );
    return rows.length;
  });
}

interface Raw {
  id: string;
  service_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  created_at: Date;
  feed_seq: bigint | string | number;
}

/** Up to `limit` messages of `serviceId` after feed position `after` (0 = from the start), in feed order. */
export async function listFeed(sql: Sql, opts: { serviceId: string; after: bigint; limit: number }): Promise<FeedMessage[]> {
  const rows = await sql.query<Raw>(
    `select id, service_id, event_type, payload, created_at, feed_seq from webhook_outbox
      where service_id = $1 and feed_seq > $2::bigint order by feed_seq limit $3`,
    [opts.serviceId, opts.after.toString(), opts.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    serviceId: r.service_id,
    eventType: r.event_type,
    payload: r.payload,
    createdAt: r.created_at,
    feedSeq: BigInt(r.feed_seq),
  }));
}
