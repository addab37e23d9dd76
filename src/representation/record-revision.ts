/**
 * Writes one change of a relationship: the row, its revision and an audit event, in the
 * caller's transaction — all of it or none of it.
 */
import { ConflictError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { type AuditEvent, insertAuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { insertRepresentation, insertRepresentationRevision, type RepresentationRow, updateRepresentation } from '../storage/representations-repo.js';

/** Who changed a relationship. */
export interface RepresentationActor {
  type: AuditEvent['actorType'];
  id: string | null;
}

/** The events of a relationship's life. */
export type RepresentationEvent = 'recorded' | 'authorised' | 'accepted' | 'declined' | 'revoked' | 'renounced' | 'ended';

/**
 * Records `next` (revision 1 when there is no `prev`) with its revision snapshot and the audit
 * event `representation.<event>` about the represented person. `extra` goes into the snapshot
 * only (e.g. the representative's acceptance signature).
 */
export async function recordRepresentationRevision(
  tx: Sql,
  deps: AppDeps,
  c: { prev?: RepresentationRow; next: RepresentationRow; event: RepresentationEvent; actor: RepresentationActor; requestId?: string | undefined; extra?: Record<string, unknown> },
): Promise<RepresentationRow> {
  const now = deps.clock.now();
  const next = { ...c.next, updatedAt: now };
  if (c.prev) {
    if (!(await updateRepresentation(tx, next, c.prev.revision))) {
      throw new ConflictError('conflict', 'The relationship changed while this request was processed; read it again.');
    }
  } else {
    await insertRepresentation(tx, next);
  }
  const scope = { services: next.services, actions: next.actions, assistance: next.assistance, validFrom: next.validFrom.toISOString(), validUntil: next.validUntil?.toISOString() ?? null };
  await insertRepresentationRevision(tx, {
    representationId: next.id,
    revision: next.revision,
    event: c.event,
    status: next.status,
    snapshot: {
      kind: next.kind,
      representedId: next.representedId,
      representativeId: next.representativeId,
      evidenceRef: next.evidenceRef,
      birthDate: next.birthDate,
      ...scope,
      endReason: next.endReason,
      ...(c.extra ?? {}),
    },
    actorType: c.actor.type,
    actorId: c.actor.id,
    createdAt: now,
  });
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type: `representation.${c.event}`,
    actorType: c.actor.type,
    actorId: c.actor.id,
    citizenId: next.representedId,
    requestId: c.requestId,
    // `citizenId` keys are personal: the log's leaf hides them behind salted hashes.
    data: { representationId: next.id, kind: next.kind, revision: next.revision, status: next.status, representative: { citizenId: next.representativeId }, ...scope, ...(next.endReason ? { endReason: next.endReason } : {}) },
    createdAt: now,
  });
  return next;
}
