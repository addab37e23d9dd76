import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AppDeps } from '../core/deps.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { findRepresentation, type RepresentationRow } from '../storage/representations-repo.js';
import { type BoundCeremony, commitPasskeyUse, finishBoundCeremony, startBoundCeremony, statementHash } from './bound-ceremony.js';
import { recordRepresentationRevision } from './record-revision.js';

/** What the representative accepts: exactly these terms of exactly this revision. */
export function acceptanceTerms(row: RepresentationRow) {
  return {
    representationId: row.id,
    revision: row.revision,
    kind: row.kind,
    represented: row.representedId,
    representative: row.representativeId,
    services: row.services,
    actions: row.actions,
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil?.toISOString() ?? null,
  };
}

const notPending = (row: RepresentationRow) =>
  new ConflictError('representation_not_active', `This relationship is ${row.status}; only a pending one can be accepted.`, { status: row.status });

/** A pending relationship addressed to `citizenId` as representative; anything else is "not found" or a conflict. */
async function pendingFor(deps: AppDeps, citizenId: string, id: string): Promise<RepresentationRow> {
  const row = await findRepresentation(deps.db, id);
  if (!row || row.representativeId !== citizenId) throw new NotFoundError('representation');
  if (row.status !== 'pending') throw notPending(row);
  return row;
}

/**
 * Starts the representative's acceptance: a passkey ceremony whose challenge is
 * SHA-256(nonce ‖ SHA-256(canonical terms)), so the signature commits to the scope accepted.
 */
export async function startAcceptance(deps: AppDeps, citizenId: string, id: string): Promise<BoundCeremony & { terms: ReturnType<typeof acceptanceTerms>; termsHash: string }> {
  const row = await pendingFor(deps, citizenId, id);
  const terms = acceptanceTerms(row);
  const termsHash = await statementHash(terms);
  const ceremony = await startBoundCeremony(deps, { purpose: 'accept-representation', citizenId, digests: [termsHash], context: { representationId: id, revision: row.revision } });
  return { ...ceremony, terms, termsHash };
}

/**
 * Finishes the acceptance: the representative's own passkey signed these terms; the
 * relationship becomes active (revision + 1, its snapshot keeps the signature). Refused if
 * the relationship changed (revoked, say) since the ceremony started.
 */
export async function acceptRepresentation(
  deps: AppDeps,
  citizenId: string,
  id: string,
  body: { ceremonyId: string; response: AuthenticationResponseJSON },
  requestId?: string,
): Promise<RepresentationRow> {
  const v = await finishBoundCeremony(deps, { purpose: 'accept-representation', citizenId, ceremonyId: body.ceremonyId, response: body.response });
  if (v.context.representationId !== id) throw new NotFoundError('representation');
  return deps.db.transaction(async (tx) => {
    const prev = await findRepresentation(tx, id, true);
    if (!prev || prev.representativeId !== citizenId) throw new NotFoundError('representation');
    if (prev.status !== 'pending') throw notPending(prev);
    if (prev.revision !== v.context.revision) throw new ConflictError('conflict', 'The relationship changed since you started; read it again.');
    const digest = await statementHash(acceptanceTerms(prev));
    if ((v.context.digests as string[])[0] !== digest) throw new ConflictError('conflict', 'The relationship changed since you started; read it again.');
    if (prev.validUntil && prev.validUntil.getTime() <= deps.clock.now().getTime()) throw notPending({ ...prev, status: 'ended' });
    await commitPasskeyUse(tx, deps, v);
    return recordRepresentationRevision(tx, deps, {
      prev,
      next: { ...prev, status: 'active', revision: prev.revision + 1 },
      event: 'accepted',
      actor: { type: 'citizen', id: citizenId },
      requestId,
      extra: { acceptance: { termsHash: digest, signature: v.signature } },
    });
  });
}
