/**
 * Storage of an account erasure (GDPR Art. 17): what the erasure must act on
 * (live consents, pending requests, the events that name the citizen) and the deletions and
 * unlinking that leave a tombstone. See src/erasure/erase-citizen.ts for the order of steps.
 */
import { toHex } from '@permis/sdk/encoding';
import type { Sql } from './db.js';
import { EVENT_LEAF_COLUMNS, EVENT_LEAF_FROM, type EventLeafDbRow, type EventLeafRow, toEventLeafRow } from './event-leaf-rows.js';

/** The erasure state of a citizen row. */
export interface ErasureState {
  erasedAt: Date | null;
  erasureRequestedAt: Date | null;
}

/** Locks the citizen's row (`for update`) and returns its erasure state; undefined when there is no such citizen. */
export async function lockErasureState(tx: Sql, citizenId: string): Promise<ErasureState | undefined> {
  const rows = await tx.query<{ erased_at: Date | null; erasure_requested_at: Date | null }>(
    'select erased_at, erasure_requested_at from citizens where id = $1 for update',
    [citizenId],
  );
  const r = rows[0];
  return r ? { erasedAt: r.erased_at, erasureRequestedAt: r.erasure_requested_at } : undefined;
}

/**
 * Locks the account's passkeys, challenges and sessions. Sign-in and the passkey ceremonies
 * lock these rows first and the citizen row (by foreign key) after; taking them in the same
 * order keeps an erasure and a concurrent sign-in from deadlocking.
 */
export async function lockAccountRows(tx: Sql, citizenId: string): Promise<void> {
  await tx.query('select id from passkeys where citizen_id = $1 order by id for update', [citizenId]);
  await tx.query('select id from webauthn_challenges where citizen_id = $1 order by id for update', [citizenId]);
  await tx.query('select id from sessions where citizen_id = $1 order by id for update', [citizenId]);
}

/** Records when the erasure was asked for (first time only). */
export async function markErasureRequested(tx: Sql, citizenId: string, at: Date): Promise<void> {
  await tx.query('update citizens set erasure_requested_at = $2 where id = $1 and erasure_requested_at is null', [citizenId, at]);
}

/** The citizen's active or paused consents, locked for update, oldest first. */
export async function lockLiveConsents(tx: Sql, citizenId: string): Promise<{ id: string; validUntil: Date }[]> {
  const rows = await tx.query<{ id: string; valid_until: Date }>(
    `select id, valid_until from consents where citizen_id = $1 and status in ('active', 'paused') order by id for update`,
    [citizenId],
  );
  return rows.map((r) => ({ id: r.id, validUntil: r.valid_until }));
}

/** Pending requests addressed to the citizen (to a subjectRef bound to them), locked for update. */
export async function lockPendingRequests(tx: Sql, citizenId: string): Promise<{ id: string; expiresAt: Date }[]> {
  const rows = await tx.query<{ id: string; expires_at: Date }>(
    `select r.id, r.expires_at from consent_requests r
     join subject_bindings b on b.service_id = r.service_id and b.subject_ref = r.subject_ref
     where b.citizen_id = $1 and r.status = 'pending' order by r.id for update of r`,
    [citizenId],
  );
  return rows.map((r) => ({ id: r.id, expiresAt: r.expires_at }));
}

/** True when the citizen holds the admin role and no other account (not erased) does. */
export async function isLastAdmin(sql: Sql, citizenId: string): Promise<boolean> {
  const rows = await sql.query<{ admin: boolean; others: number }>(
    `select exists (select 1 from citizen_roles where citizen_id = $1 and role = 'admin') as admin,
            (select count(*)::int from citizen_roles r join citizens c on c.id = r.citizen_id
             where r.role = 'admin' and r.citizen_id <> $1 and c.erased_at is null) as others`,
    [citizenId],
  );
  return Boolean(rows[0]?.admin) && Number(rows[0]?.others) === 0;
}

/** Every subjectRef that names the citizen at some service: of their consents, bindings and decided requests. */
export async function subjectRefsOf(sql: Sql, citizenId: string): Promise<{ serviceId: string; subjectRef: string }[]> {
  const rows = await sql.query<{ service_id: string; subject_ref: string }>(
    `select service_id, subject_ref from consents where citizen_id = $1
     union select service_id, subject_ref from subject_bindings where citizen_id = $1
     union select service_id, subject_ref from consent_requests where citizen_id = $1`,
    [citizenId],
  );
  return rows.map((r) => ({ serviceId: r.service_id, subjectRef: r.subject_ref }));
}

/**
 * The SQL condition (over `audit_events e`) for events that name the citizen `$1`: about
 * them, acted by them, or naming one of the subjectRefs `$2` (narrowed to the right service
 * by the caller). Each branch has its index (0009 citizen, 0008 actor and subject).
 */
const NAMES_CITIZEN = `(e.citizen_id = $1::uuid
  or (e.actor_type = 'citizen' and e.actor_type <> 'service' and e.actor_id = $1::text)
  or ((e.data ->> 'subjectRef') = any($2::text[]) and (e.data ->> 'subjectRef') is not null))`;

/** Ids of the events that may name the citizen, and whether each is still pending (no leaf yet). */
export async function eventsNaming(sql: Sql, citizenId: string, subjectRefs: readonly string[]): Promise<{ id: string; serviceId: string | null; subjectRef: string | null; pending: boolean }[]> {
  const rows = await sql.query<{ id: string; service_id: string | null; subject_ref: string | null; pending: boolean }>(
    `select e.id, e.service_id, e.data ->> 'subjectRef' as subject_ref, l.seq is null as pending
     from ${EVENT_LEAF_FROM} where ${NAMES_CITIZEN} order by e.seq`,
    [citizenId, [...new Set(subjectRefs)]],
  );
  return rows.map((r) => ({ id: r.id, serviceId: r.service_id, subjectRef: r.subject_ref, pending: r.pending }));
}

/** True when some pending (not yet integrated) event may name the citizen. */
export async function hasPendingEventsNaming(sql: Sql, citizenId: string, subjectRefs: readonly string[]): Promise<boolean> {
  const rows = await sql.query(
    `select 1 from audit_events e where not exists (select 1 from log_leaves l where l.seq = e.seq) and ${NAMES_CITIZEN} limit 1`,
    [citizenId, [...new Set(subjectRefs)]],
  );
  return rows.length > 0;
}

/** True when some event still carries the (erased) citizen's id as its citizen or as its citizen actor. */
export async function hasEventsWithCitizenId(sql: Sql, citizenId: string): Promise<boolean> {
  const rows = await sql.query(`select 1 from audit_events e where ${NAMES_CITIZEN} limit 1`, [citizenId, []]);
  return rows.length > 0;
}

/** The events with these ids, with everything their leaves need. */
export async function loadEvents(sql: Sql, ids: readonly string[]): Promise<EventLeafRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<EventLeafDbRow>(`select ${EVENT_LEAF_COLUMNS} from ${EVENT_LEAF_FROM} where e.id = any($1::uuid[]) order by e.seq`, [ids]);
  return rows.map(toEventLeafRow);
}

/** One redacted event to write: its personal columns and data, and the pseudonyms that stand in for them. */
export interface Redaction {
  id: string;
  citizenId: string | null;
  actorId: string | null;
  data: unknown;
  /** Every pseudonym of the event's leaf, by JSON pointer (its salt goes). */
  pseudonyms: Record<string, string>;
}

/**
 * Writes redactions: personal values as given and `redacted_at` on the event; on its leaf,
 * the pseudonyms stored and the salt erased. Only events that have a leaf are touched (a
 * pending event has no pseudonyms to stand in for its values). Returns how many changed.
 */
export async function writeRedactions(tx: Sql, items: readonly Redaction[], at: Date): Promise<number> {
  let n = 0;
  const CHUNK = 500;
  for (let i = 0; i < items.length; i += CHUNK) {
    const part = items.slice(i, i + CHUNK);
    const rows = await tx.query<{ id: string }>(
      `with v as (
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) as v(id, citizen_id, actor_id, data, pseudonyms)
       ), redacted as (
         update audit_events e
         set citizen_id = v.citizen_id, actor_id = v.actor_id, data = v.data::jsonb, redacted_at = $6
         from v, log_leaves l
         where e.id = v.id and l.seq = e.seq
         returning e.id, e.seq
       )
       update log_leaves l set salt = null, pseudonyms = v.pseudonyms::jsonb
       from redacted r join v on v.id = r.id
       where l.seq = r.seq
       returning r.id`,
      [
        part.map((r) => r.id),
        part.map((r) => r.citizenId),
        part.map((r) => r.actorId),
        part.map((r) => JSON.stringify(r.data ?? {})),
        part.map((r) => JSON.stringify(r.pseudonyms)),
        at,
      ],
    );
    n += rows.length;
  }
  return n;
}

/** What the erasure counts for its record. */
export interface ErasureCounts {
  withdrawnConsents: number;
  rejectedRequests: number;
}

/** Consents ended and requests rejected by this citizen's erasure (before the links are cut). */
export async function erasureCounts(sql: Sql, citizenId: string, requestedAt: Date): Promise<ErasureCounts> {
  const rows = await sql.query<{ consents: number; requests: number }>(
    `select (select count(*)::int from consents where citizen_id = $1 and end_reason = 'erasure') as consents,
            (select count(*)::int from consent_requests where citizen_id = $1 and status = 'rejected' and decided_at >= $2) as requests`,
    [citizenId, requestedAt],
  );
  return { withdrawnConsents: Number(rows[0]?.consents ?? 0), rejectedRequests: Number(rows[0]?.requests ?? 0) };
}

/**
 * Deletes the account's personal data and cuts every link to it, leaving a tombstone row:
 * passkeys, sessions, WebAuthn challenges, roles, subject bindings and idempotency records
 * go; consents and decided requests stay (the controller's record of the lawful basis) with
 * their citizen link set to null; the citizen row keeps only its id and dates, with a fresh
 * random WebAuthn user handle so an authenticator's stored handle names nothing any more.
 */
export async function deleteAccount(tx: Sql, citizenId: string, freshUserHandle: string, at: Date): Promise<void> {
  await tx.query('delete from passkeys where citizen_id = $1', [citizenId]);
  await tx.query('delete from sessions where citizen_id = $1', [citizenId]);
  await tx.query('delete from webauthn_challenges where citizen_id = $1', [citizenId]);
  await tx.query('delete from citizen_roles where citizen_id = $1', [citizenId]);
  await tx.query('delete from subject_bindings where citizen_id = $1', [citizenId]);
  // Stored responses of the citizen's idempotent requests (scope `citizen:<id>:…`) hold their consents.
  await tx.query(`delete from idempotency_keys where scope like $1`, [`citizen:${citizenId}:%`]);
  await tx.query('update consents set citizen_id = null where citizen_id = $1', [citizenId]);
  await tx.query('update consent_requests set citizen_id = null where citizen_id = $1', [citizenId]);
  await tx.query('update role_invitations set redeemed_by = null where redeemed_by = $1', [citizenId]);
  await tx.query(`update citizens set display_name = '', webauthn_user_id = $2, erased_at = $3 where id = $1`, [citizenId, freshUserHandle, at]);
}

/**
 * Citizens whose erasure is unfinished: asked for but not done, or done since `since` while
 * events still carry their id (a check that was in flight when the links were cut).
 */
export async function erasuresToResume(sql: Sql, since: Date, limit: number): Promise<string[]> {
  const rows = await sql.query<{ id: string }>(
    `select id from citizens where erasure_requested_at is not null and erased_at is null
     union
     select c.id from citizens c where c.erased_at >= $1
       and exists (select 1 from audit_events e where e.citizen_id = c.id)
     limit $2`,
    [since, limit],
  );
  return rows.map((r) => r.id);
}

/** The WebAuthn user handle of a tombstone: random, and unlike any handle ever issued. */
export const tombstoneHandle = (bytes: Uint8Array): string => `erased-${toHex(bytes)}`;
