import type { AppDeps } from '../core/deps.js';
import { ConflictError, RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { RepresentationAction } from '../domain/representation.js';
import type { Sql } from '../storage/db.js';
import { findRepresentationsBetween, type RepresentationRow } from '../storage/representations-repo.js';
import { getService } from '../storage/services-repo.js';
import { recordRepresentationRevision } from './record-revision.js';

/** Ley 39/2015 Art. 6.6: a power of attorney for the administration lasts at most five years. */
export const MAX_VOLUNTARY_DAYS = 5 * 366;

/** What citizen A grants citizen B. */
export interface AuthoriseInput {
  representativeId: string;
  /** Every service, or only these. */
  services: 'all' | string[];
  actions: RepresentationAction[];
  validUntil: Date;
}

const invalid = (field: string, detail: string) => new RuleError('representation_invalid', detail, { field });

/**
 * Citizen `citizenId` authorises another citizen to act for them (Ley 39/2015 Art. 5), scoped
 * to services and actions and limited in time. The relationship stays `pending` until the
 * representative accepts it with a passkey. Revision 1 and `representation.authorised`.
 */
export async function authoriseRepresentative(tx: Sql, deps: AppDeps, citizenId: string, input: AuthoriseInput, requestId?: string): Promise<RepresentationRow> {
  const now = deps.clock.now();
  if (input.representativeId === citizenId) throw invalid('representativeId', 'Nobody can represent themselves.');
  const rep = await tx.query<{ managed: boolean }>('select managed from citizens where id = $1 and erased_at is null', [input.representativeId]);
  if (!rep[0] || rep[0].managed) throw invalid('representativeId', 'There is no account with this id that could accept.');
  if (input.validUntil.getTime() <= now.getTime() + 60_000) throw invalid('validUntil', 'validUntil must be in the future.');
  if (input.validUntil.getTime() > now.getTime() + MAX_VOLUNTARY_DAYS * 86_400_000) {
    throw invalid('validUntil', 'A voluntary representation lasts at most five years (Ley 39/2015 Art. 6.6).');
  }
  const actions = [...new Set(input.actions)].sort();
  if (actions.length === 0) throw invalid('actions', 'Name at least one action.');
  let services: string[] | null = null;
  if (input.services !== 'all') {
    services = [...new Set(input.services)].sort();
    if (services.length === 0) throw invalid('services', 'Name at least one service, or "all".');
    for (const id of services) if (!(await getService(tx, id))) throw invalid('services', `There is no service ${id}.`);
  }
  const existing = await findRepresentationsBetween(tx, input.representativeId, citizenId);
  if (existing.some((r) => r.kind === 'voluntary' && (r.status === 'active' || r.status === 'pending'))) {
    throw new ConflictError('conflict', 'This person already represents you (or has yet to accept); revoke that first.');
  }
  const row: RepresentationRow = {
    id: uuidv7(deps.clock, deps.random),
    kind: 'voluntary',
    representedId: citizenId,
    representativeId: input.representativeId,
    status: 'pending',
    revision: 1,
    services,
    actions,
    assistance: false,
    evidenceRef: null,
    birthDate: null,
    validFrom: now,
    validUntil: input.validUntil,
    recordedBy: citizenId,
    createdAt: now,
    updatedAt: now,
    endedAt: null,
    endReason: null,
  };
  return recordRepresentationRevision(tx, deps, { next: row, event: 'authorised', actor: { type: 'citizen', id: citizenId }, requestId });
}
