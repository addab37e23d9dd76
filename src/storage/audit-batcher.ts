import type { AuditEvent } from './audit-repo.js';
import type { Db } from './db.js';

/** Appends audit events, resolving only once they are durably committed. */
export interface AuditBatcher {
  /** Resolves when every given event is committed; rejects if the commit failed. */
  append(events: AuditEvent[]): Promise<void>;
}

interface Waiting {
  events: AuditEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: events that arrive while a commit is in flight wait and go
 * together in the next single multi-row INSERT, so many checks share one commit and none
 * waits longer than one commit behind. Nothing is acknowledged before it is committed.
 */
export function createAuditBatcher(db: Db, opts: { maxEvents?: number; onCommit?: (events: number) => void } = {}): AuditBatcher {
  const max = opts.maxEvents ?? 5000;
  const queue: Waiting[] = [];
  let flushing = false;

  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length) {
      const take: Waiting[] = [];
      let n = 0;
      while (queue.length && (n === 0 || n + queue[0]!.events.length <= max)) {
        const w = queue.shift()!;
        take.push(w);
        n += w.events.length;
      }
      const events = take.flatMap((w) => w.events);
      try {
        await insertMany(db, events);
        opts.onCommit?.(events.length);
        for (const w of take) w.resolve();
      } catch (err) {
        for (const w of take) w.reject(err);
      }
    }
    flushing = false;
  };

  return {
    append(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ events, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}

/** One INSERT … SELECT FROM unnest(…) for many events: one statement, one commit. */
async function insertMany(db: Db, events: AuditEvent[]): Promise<void> {
  const col = <T>(f: (e: AuditEvent) => T) => events.map(f);
  await db.query(
    `insert into audit_events (id, type, actor_type, actor_id, citizen_id, service_id, consent_id, request_id, data, created_at)
     select id::uuid, type, actor_type, actor_id, citizen_id::uuid, service_id::uuid, consent_id::uuid, request_id, data::jsonb, created_at::timestamptz
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       as t(id, type, actor_type, actor_id, citizen_id, service_id, consent_id, request_id, data, created_at)`,
    [
      col((e) => e.id),
      col((e) => e.type),
      col((e) => e.actorType),
      col((e) => e.actorId ?? null),
      col((e) => e.citizenId ?? null),
      col((e) => e.serviceId ?? null),
      col((e) => e.consentId ?? null),
      col((e) => e.requestId ?? null),
      col((e) => JSON.stringify(e.data ?? {})),
      // Arrays travel as text[]: both drivers serialise those the same way.
      col((e) => e.createdAt.toISOString()),
    ],
  );
}
