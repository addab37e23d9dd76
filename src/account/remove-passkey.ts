import { ConflictError, NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { lockCitizen } from '../storage/citizens.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { deletePasskey } from '../storage/passkeys.js';
import type { AppDeps, CitizenPrincipal } from '../core/deps.js';

/** Removes one of the citizen's passkeys; 404 when not theirs, 409 `last_passkey` for the last one. */
export async function removeOwnPasskey(deps: AppDeps, who: CitizenPrincipal, id: string, requestId?: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (!(await lockCitizen(tx, who.citizenId))) throw new NotFoundError('passkey');
    const outcome = await deletePasskey(tx, who.citizenId, id);
    if (outcome === 'not_found') throw new NotFoundError('passkey');
    if (outcome === 'last') throw new ConflictError('last_passkey', 'Your last passkey cannot be removed; add another one first.');
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'passkey.removed',
      citizenId: who.citizenId,
      requestId,
      data: { passkeyId: id, sessionId: who.sessionId },
      at: deps.clock.now(),
    });
  });
}
