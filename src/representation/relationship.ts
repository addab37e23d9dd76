/**
 * From a stored relationship to what the rules and the faces see: the domain relationship
 * (with the minor's 14th birthday worked out in the city's time zone) and the public view.
 */
import { fourteenthBirthday, minorKinds, type Relationship } from '../domain/representation.js';
import type { AppConfig } from '../core/deps.js';
import type { RepresentationRow } from '../storage/representations-repo.js';

/** The time zone in which birthdays begin: the portal's (default Europe/Madrid). */
export const zoneOf = (config: AppConfig): string => config.timeZone ?? 'Europe/Madrid';

/** The domain relationship of a row, for {@link authorizeAct}. */
export function relationshipOf(row: RepresentationRow, config: AppConfig): Relationship {
  return {
    id: row.id,
    kind: row.kind,
    representedId: row.representedId,
    representativeId: row.representativeId,
    status: row.status,
    revision: row.revision,
    services: row.services,
    actions: row.actions,
    assistance: row.assistance,
    birthDate: row.birthDate,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    endsByAgeAt: row.birthDate && minorKinds.includes(row.kind) ? fourteenthBirthday(row.birthDate, zoneOf(config)) : null,
  };
}

/** A relationship as the API shows it to its parties and to officers. */
export function representationView(row: RepresentationRow, names: Map<string, { displayName: string; managed: boolean }>, opts: { officer?: boolean } = {}) {
  const person = (id: string) => ({ id, displayName: names.get(id)?.displayName ?? null, managed: names.get(id)?.managed ?? false });
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    revision: row.revision,
    represented: person(row.representedId),
    representative: person(row.representativeId),
    services: row.services,
    actions: row.actions,
    assistance: row.assistance,
    validFrom: row.validFrom.toISOString(),
    validUntil: row.validUntil?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    endReason: row.endReason,
    // The evidence reference and the date of birth are for officers (and the record) only.
    ...(opts.officer ? { evidenceRef: row.evidenceRef, birthDate: row.birthDate, recordedBy: row.recordedBy } : {}),
  };
}
