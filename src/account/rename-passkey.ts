import { NotFoundError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { recordCitizenEvent } from '../storage/citizen-audit.js';
import { type PasskeyRow, renamePasskey } from '../storage/passkeys.js';
import type { AppDeps, CitizenPrincipal } from '../core/deps.js';

/** Renames one of the citizen's passkeys; 404 when it is not theirs. */
export async function renameOwnPasskey(deps: AppDeps, who: CitizenPrincipal, id: string, name: string, requestId?: string): Promise<PasskeyRow> {
  return deps.db.transaction(async (tx) => {
    const row = await renamePasskey(tx, who.citizenId, id, name);
    if (!row) throw new NotFoundError('passkey');
    await recordCitizenEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'passkey.renamed',
      citizenId: who.citizenId,
      requestId,
      data: { passkeyId: id, sessionId: who.sessionId },
      at: deps.clock.now(),
    });
    return row;
  });
}
