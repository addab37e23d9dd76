/**
 * Officers' own queries are audit events too, so an officer's
 * search is itself on the record: actor_type `officer`, actor_id the officer's citizen id, the query in `data`.
 */
import { uuidv7 } from '../domain/ids.js';
import type { Clock, Random } from '../domain/runtime.js';
import { insertAuditEvent } from './audit-repo.js';
import type { Sql } from './db.js';

/** What an officer did with the access log. */
export type OfficerAuditType =
  | 'officer.searched'
  | 'officer.stats_viewed'
  | 'officer.exported'
  | 'officer.release_prepared'
  | 'officer.release_published'
  | 'officer.release_discarded';

/** Who is asking, and the clock and randomness to stamp the event with. */
export interface OfficerContext {
  clock: Clock;
  random: Random;
  /** The officer's citizen id. */
  officerId: string;
  requestId?: string | undefined;
}

/**
 * Appends the officer's query as an audit event and resolves once it is committed (the
 * caller answers only afterwards). Returns the event id. The query goes under `data.query`,
 * never at the top level of `data`, so it is not mistaken for an event about the subject,
 * purpose or decision it searched for.
 */
export async function recordOfficerQuery(sql: Sql, ctx: OfficerContext, type: OfficerAuditType, query: Record<string, unknown>): Promise<string> {
  const id = uuidv7(ctx.clock, ctx.random);
  await insertAuditEvent(sql, {
    id,
    type,
    actorType: 'officer',
    actorId: ctx.officerId,
    requestId: ctx.requestId,
    data: { query },
    createdAt: ctx.clock.now(),
  });
  return id;
}
