import type { AppDeps } from '../core/deps.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import type { Sql } from '../storage/db.js';
import { findRepresentation, listLapsedRepresentations, type RepresentationRow } from '../storage/representations-repo.js';
import { recordRepresentationRevision, type RepresentationActor, type RepresentationEvent } from './record-revision.js';
import { relationshipOf } from './relationship.js';

const isOpen = (r: RepresentationRow) => r.status === 'active' || r.status === 'pending';

const closed = (row: RepresentationRow) =>
  new ConflictError('representation_not_active', `This relationship is already ${row.status}.`, { status: row.status });

/** Closes `prev` with `status` and `event`, in the caller's transaction. */
async function close(tx: Sql, deps: AppDeps, prev: RepresentationRow, c: { status: 'revoked' | 'ended' | 'declined'; event: RepresentationEvent; reason: string; actor: RepresentationActor; requestId?: string | undefined }) {
  const now = deps.clock.now();
  return recordRepresentationRevision(tx, deps, {
    prev,
    next: { ...prev, status: c.status, revision: prev.revision + 1, endedAt: now, endReason: c.reason },
    event: c.event,
    actor: c.actor,
    requestId: c.requestId,
  });
}

/**
 * A party ends a voluntary representation, in one step and at once: the represented person
 * revokes it (Ley 39/2015 Art. 6: at any time), the representative declines a pending one or
 * renounces an active one. Relationships an officer recorded are ended only by an officer.
 * The row is locked, so an act on behalf racing with this waits and then sees it ended.
 */
export async function endByParty(tx: Sql, deps: AppDeps, citizenId: string, id: string, requestId?: string): Promise<RepresentationRow> {
  const prev = await findRepresentation(tx, id, true);
  if (!prev || (prev.representedId !== citizenId && prev.representativeId !== citizenId)) throw new NotFoundError('representation');
  if (!isOpen(prev)) throw closed(prev);
  if (prev.kind !== 'voluntary') {
    throw new ForbiddenError('Parental authority, guardianship and support measures are ended by an officer, on evidence.', 'forbidden');
  }
  const actor = { type: 'citizen' as const, id: citizenId };
  if (prev.representedId === citizenId) return close(tx, deps, prev, { status: 'revoked', event: 'revoked', reason: 'revoked', actor, requestId });
  if (prev.status === 'pending') return close(tx, deps, prev, { status: 'declined', event: 'declined', reason: 'declined', actor, requestId });
  return close(tx, deps, prev, { status: 'ended', event: 'renounced', reason: 'renounced', actor, requestId });
}

/** An officer or admin ends any open relationship (a court decision, a death, a mistake), giving the reason. */
export async function endByOfficer(tx: Sql, deps: AppDeps, id: string, reason: string, actor: RepresentationActor, requestId?: string): Promise<RepresentationRow> {
  const prev = await findRepresentation(tx, id, true);
  if (!prev) throw new NotFoundError('representation');
  if (!isOpen(prev)) throw closed(prev);
  return close(tx, deps, prev, { status: 'ended', event: 'ended', reason, actor, requestId });
}

/**
 * Records the end of every active relationship whose end date (a minor's 14th birthday at the
 * latest) has passed. Access already stopped at that instant (authorizeAct checks the time);
 * this writes the revision and the audit event. Returns how many it ended.
 */
export async function endLapsedRepresentations(deps: AppDeps, batch = 500): Promise<number> {
  let n = 0;
  for (const id of await listLapsedRepresentations(deps.db, deps.clock.now(), batch)) {
    const done = await deps.db.transaction(async (tx) => {
      const prev = await findRepresentation(tx, id, true);
      if (!prev || prev.status !== 'active' || !prev.validUntil || prev.validUntil.getTime() > deps.clock.now().getTime()) return false;
      const rel = relationshipOf(prev, deps.config);
      const byAge = rel.endsByAgeAt !== null && rel.endsByAgeAt.getTime() <= deps.clock.now().getTime();
      await close(tx, deps, prev, { status: 'ended', event: 'ended', reason: byAge ? 'ended_by_age' : 'expired', actor: { type: 'system', id: 'representation-sweep' } });
      return true;
    });
    if (done) n++;
  }
  return n;
}
