import { NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { revokeSession } from '../storage/sessions.js';
import type { AppDeps, CitizenPrincipal } from '../core/deps.js';

/**
 * Revokes one of the citizen's live sessions (`signout` when it is the current one);
 * 404 when it is not theirs, already revoked or expired.
 */
export async function revokeOwnSession(
  deps: AppDeps,
  who: CitizenPrincipal,
  sessionId: string,
  requestId?: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (!(await revokeSession(tx, who.citizenId, sessionId, now))) throw new NotFoundError('session');
    const self = sessionId === who.sessionId;
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: self ? 'citizen.signed_out' : 'session.revoked',
      citizenId: who.citizenId,
      requestId,
      data: self ? { sessionId } : { sessionId, revokedBy: who.sessionId },
      at: now,
    });
  });
}
