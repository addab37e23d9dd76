import { b64url } from '@permis/sdk/encoding';
import type { AppDeps } from '../core/deps.js';
import { ConflictError, RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import { fourteenthBirthday, isCalendarDate, type LegalKind, minorKinds, representationActions } from '../domain/representation.js';
import { findCitizen } from '../storage/citizens.js';
import type { Sql } from '../storage/db.js';
import { findRepresentationsBetween, insertManagedProfile, type RepresentationRow } from '../storage/representations-repo.js';
import { recordRepresentationRevision, type RepresentationActor } from './record-revision.js';
import { zoneOf } from './relationship.js';

/** What an officer or admin records after checking the evidence. */
export interface RecordInput {
  kind: LegalKind;
  representativeId: string;
  /** An existing account, or a new profile managed by representatives (a person without an account). */
  represented: { citizenId: string } | { displayName: string };
  /** The represented minor's date of birth, `YYYY-MM-DD` (required for a minor's relationship). */
  birthDate?: string | undefined;
  /** Where the evidence is (court decision, family book entry, register number): a reference, never the document. */
  evidenceRef: string;
  /** An earlier end date (e.g. the review date of a support measure). */
  validUntil?: Date | undefined;
  /** A support measure that assists: the person decides, and they and the supporter both sign. */
  assistance?: boolean | undefined;
}

const invalid = (field: string, detail: string) => new RuleError('representation_invalid', detail, { field });

/** A person who can act with a passkey of their own: an existing, not erased, not managed account. */
async function accountHolder(tx: Sql, id: string, field: string) {
  const c = await findCitizen(tx, id);
  if (!c || c.erasedAt) throw invalid(field, 'There is no account with this id.');
  const managed = await tx.query<{ managed: boolean }>('select managed from citizens where id = $1', [id]);
  return { ...c, managed: managed[0]?.managed ?? false };
}

/**
 * Records parental authority, guardianship or a support measure: the relationship covers every
 * service and every action; a minor's ends, at the latest, on their 14th birthday (LOPDGDD
 * Art. 7.1), computed from the date of birth in the city's time zone. Creates the represented
 * person's managed profile when they have no account. Revision 1 and `representation.recorded`.
 */
export async function recordRepresentation(tx: Sql, deps: AppDeps, input: RecordInput, actor: RepresentationActor & { id: string }, requestId?: string): Promise<RepresentationRow> {
  const now = deps.clock.now();
  const representative = await accountHolder(tx, input.representativeId, 'representativeId');
  if (representative.managed) throw invalid('representativeId', 'A representative needs an account of their own with a passkey.');
  let validUntil = input.validUntil ?? null;
  if (validUntil && validUntil.getTime() <= now.getTime()) throw invalid('validUntil', 'The end date must be in the future.');
  const minor = minorKinds.includes(input.kind);
  if (minor) {
    if (!input.birthDate) throw invalid('birthDate', "A minor's relationship needs the date of birth: it ends on the 14th birthday.");
    if (!isCalendarDate(input.birthDate)) throw invalid('birthDate', 'birthDate must be a date, YYYY-MM-DD.');
    const fourteen = fourteenthBirthday(input.birthDate, zoneOf(deps.config));
    if (new Date(`${input.birthDate}T00:00:00Z`).getTime() > now.getTime()) throw invalid('birthDate', 'The date of birth is in the future.');
    if (fourteen.getTime() <= now.getTime()) {
      throw invalid('birthDate', 'The person is 14 or older and gives their own consent (LOPDGDD Art. 7.1).');
    }
    if (!validUntil || validUntil.getTime() > fourteen.getTime()) validUntil = fourteen;
  } else if (input.birthDate !== undefined) {
    throw invalid('birthDate', 'A date of birth is recorded only for a minor.');
  }
  if (input.assistance && input.kind !== 'support_measure') throw invalid('assistance', 'Only a support measure can be one of assistance.');

  let representedId: string;
  if ('citizenId' in input.represented) {
    representedId = (await accountHolder(tx, input.represented.citizenId, 'represented.citizenId')).id;
    if (representedId === representative.id) throw invalid('representativeId', 'Nobody can represent themselves.');
  } else {
    representedId = uuidv7(deps.clock, deps.random);
    await insertManagedProfile(tx, { id: representedId, webauthnUserId: b64url(deps.random.bytes(32)), displayName: input.represented.displayName, createdAt: now });
  }
  const existing = await findRepresentationsBetween(tx, representative.id, representedId);
  if (existing.some((r) => r.kind === input.kind && (r.status === 'active' || r.status === 'pending'))) {
    throw new ConflictError('conflict', 'This relationship is already recorded and in force.');
  }
  const row: RepresentationRow = {
    id: uuidv7(deps.clock, deps.random),
    kind: input.kind,
    representedId,
    representativeId: representative.id,
    status: 'active',
    revision: 1,
    services: null,
    actions: [...representationActions],
    assistance: input.assistance ?? false,
    evidenceRef: input.evidenceRef,
    birthDate: minor ? input.birthDate! : null,
    validFrom: now,
    validUntil,
    recordedBy: actor.id,
    createdAt: now,
    updatedAt: now,
    endedAt: null,
    endReason: null,
  };
  return recordRepresentationRevision(tx, deps, { next: row, event: 'recorded', actor, requestId });
}
