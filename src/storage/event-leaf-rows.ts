/**
 * Audit events read with everything their log leaf needs (src/crypto/log-leaf.ts), for the
 * integrator, the citizen's access log and erasure: one definition, so every reader builds the
 * same leaf. The creation time is formatted by the database, in UTC with microseconds, because
 * the exact string goes into the leaf.
 */
import type { LeafEvent } from '../crypto/log-leaf.js';

/** The event columns a leaf needs, of `audit_events e`, plus the row's redaction mark. */
const EVENT_COLUMNS = `e.id, e.seq, e.type, e.actor_type, e.actor_id, e.citizen_id, e.service_id, e.consent_id,
  e.request_id, e.data, to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_exact, e.redacted_at`;

/**
 * The leaf columns of `audit_events e` and its leaf `log_leaves l` (salt, pseudonyms, leaf
 * index: null while pending); read them from {@link EVENT_LEAF_FROM} or an equivalent join.
 */
export const EVENT_LEAF_COLUMNS = `${EVENT_COLUMNS}, l.salt, l.pseudonyms, l.leaf_index`;

/** Events with their leaves, if integrated (migrations/0010_log_leaves.sql). */
export const EVENT_LEAF_FROM = 'audit_events e left join log_leaves l on l.seq = e.seq';

/** The columns of {@link EVENT_LEAF_COLUMNS} for events known to be pending (no leaf to join). */
export const PENDING_EVENT_COLUMNS = `${EVENT_COLUMNS}, null::bytea as salt, null::jsonb as pseudonyms, null::bigint as leaf_index`;

/** An audit event as its leaf sees it, with its leaf index (null while pending) and redaction time. */
export interface EventLeafRow extends LeafEvent {
  seq: bigint;
  leafIndex: bigint | null;
  redactedAt: Date | null;
}

/** The raw shape of {@link EVENT_LEAF_COLUMNS}. */
export interface EventLeafDbRow {
  id: string;
  seq: bigint | string | number;
  type: string;
  actor_type: string;
  actor_id: string | null;
  citizen_id: string | null;
  service_id: string | null;
  consent_id: string | null;
  request_id: string | null;
  data: unknown;
  created_exact: string;
  salt: Uint8Array | null;
  pseudonyms: Record<string, string> | null;
  leaf_index: bigint | string | number | null;
  redacted_at: Date | string | null;
}

const bytes = (v: Uint8Array): Uint8Array => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

/** Converts a raw row of {@link EVENT_LEAF_COLUMNS}. */
export function toEventLeafRow(r: EventLeafDbRow): EventLeafRow {
  return {
    id: r.id,
    seq: BigInt(r.seq),
    type: r.type,
    actorType: r.actor_type,
    actorId: r.actor_id,
    citizenId: r.citizen_id,
    serviceId: r.service_id,
    consentId: r.consent_id,
    requestId: r.request_id,
    data: r.data,
    createdAt: r.created_exact,
    salt: r.salt == null ? null : bytes(r.salt),
    pseudonyms: r.pseudonyms,
    leafIndex: r.leaf_index == null ? null : BigInt(r.leaf_index),
    redactedAt: r.redacted_at == null ? null : new Date(r.redacted_at),
  };
}
