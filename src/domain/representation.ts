/**
 * Representation: who may act for whom, for which services and actions, until when. Pure
 * rules, no I/O; the one authorization function every act on behalf goes through
 * (docs/representation.md).
 */

/**
 * The kinds of relationship: parental authority over a minor (Código Civil Art. 154; LOPDGDD
 * Art. 7), guardianship (tutela) of a minor, a support measure for an adult (Ley 8/2021:
 * curatela, guardador de hecho) and voluntary representation (Ley 39/2015 Art. 5).
 */
export const representationKinds = ['parental_authority', 'guardianship', 'support_measure', 'voluntary'] as const;
export type RepresentationKind = (typeof representationKinds)[number];

/** The kinds an officer or admin records after checking evidence (voluntary ones the citizens make). */
export const legalKinds = ['parental_authority', 'guardianship', 'support_measure'] as const;
export type LegalKind = (typeof legalKinds)[number];

/** Kinds about a minor: they end, at the latest, on the minor's 14th birthday (LOPDGDD Art. 7.1). */
export const minorKinds: readonly RepresentationKind[] = ['parental_authority', 'guardianship'];

/** Where a relationship stands. `pending`: a voluntary one not yet accepted by the representative. */
export const representationStatuses = ['pending', 'active', 'revoked', 'ended', 'declined'] as const;
export type RepresentationStatus = (typeof representationStatuses)[number];

/** What a representative may be allowed to do. `pause` covers resuming; `grant` covers approving a request. */
export const representationActions = ['view', 'grant', 'narrow', 'pause', 'withdraw'] as const;
export type RepresentationAction = (typeof representationActions)[number];

/** An act on behalf, as the consent operations name it. */
export type ActOnBehalf = 'view' | 'grant' | 'approve' | 'narrow' | 'pause' | 'resume' | 'withdraw';

/** The permission an act needs. */
export const permissionFor: Record<ActOnBehalf, RepresentationAction> = {
  view: 'view',
  grant: 'grant',
  approve: 'grant',
  narrow: 'narrow',
  pause: 'pause',
  resume: 'pause',
  withdraw: 'withdraw',
};

/** The age from which a person consents to the processing of their data themselves (LOPDGDD Art. 7.1). */
export const AGE_OF_DIGITAL_CONSENT = 14;

/** What the authorization rule needs to know about a relationship. */
export interface Relationship {
  id: string;
  kind: RepresentationKind;
  representedId: string;
  representativeId: string;
  status: RepresentationStatus;
  revision: number;
  /** The services it covers; null: every service. */
  services: readonly string[] | null;
  actions: readonly RepresentationAction[];
  /** A support measure that assists: the person decides and both sign. */
  assistance: boolean;
  /** The represented minor's date of birth, `YYYY-MM-DD`. */
  birthDate: string | null;
  validFrom: Date;
  validUntil: Date | null;
  /** When set, the moment the relationship reaches the represented minor's 14th birthday. */
  endsByAgeAt: Date | null;
}

/** Why an act on behalf is refused. */
export const denyReasons = [
  'not_representative',
  'not_accepted',
  'revoked',
  'ended',
  'ended_by_age',
  'expired',
  'not_yet_valid',
  'service_out_of_scope',
  'action_out_of_scope',
] as const;
export type DenyReason = (typeof denyReasons)[number];

/** The answer of {@link authorizeAct}. */
export type Authorization = { allowed: true } | { allowed: false; reason: DenyReason };

/**
 * THE authorization rule of every act on behalf: may `act.representativeId` do `act.action`
 * for the represented person at `act.serviceId` (null: a view of everything) at `act.at`, on
 * the basis of `rel`? Time is checked here, not only by a sweep, so access stops the instant
 * a relationship ends (14th birthday, end date), and a representative never does more than
 * the relationship's services and actions.
 */
export function authorizeAct(rel: Relationship, act: { representativeId: string; action: ActOnBehalf; serviceId: string | null; at: Date }): Authorization {
  const deny = (reason: DenyReason): Authorization => ({ allowed: false, reason });
  if (rel.representativeId !== act.representativeId) return deny('not_representative');
  if (rel.status === 'pending' || rel.status === 'declined') return deny('not_accepted');
  if (rel.status === 'revoked') return deny('revoked');
  if (rel.status === 'ended') return deny('ended');
  const t = act.at.getTime();
  if (rel.endsByAgeAt && t >= rel.endsByAgeAt.getTime()) return deny('ended_by_age');
  if (rel.validUntil && t >= rel.validUntil.getTime()) return deny('expired');
  if (t < rel.validFrom.getTime()) return deny('not_yet_valid');
  if (!rel.actions.includes(permissionFor[act.action])) return deny('action_out_of_scope');
  // A view of the person's whole list is filtered per service by the caller; any act names one.
  if (act.serviceId !== null && rel.services !== null && !rel.services.includes(act.serviceId)) return deny('service_out_of_scope');
  return { allowed: true };
}

/** True when a relationship covers `serviceId` (every service when `services` is null). */
export const coversService = (rel: Pick<Relationship, 'services'>, serviceId: string): boolean => rel.services === null || rel.services.includes(serviceId);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

/** The offset of `timeZone` from UTC at `at`, in milliseconds (Intl, no time-zone library needed). */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(at)
    .reduce<Record<string, number>>((acc, p) => (p.type === 'literal' ? acc : { ...acc, [p.type]: Number(p.value) }), {});
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a person born on `birthDate` (`YYYY-MM-DD`) turns `years`: midnight of the
 * birthday in `timeZone`. Código Civil Art. 5.1: a term counted in years ends on the same day
 * of the month; with no such day (29 February), on the last day of that month.
 */
export function birthdayAt(birthDate: string, years: number, timeZone: string): Date {
  const m = DATE.exec(birthDate);
  if (!m || !isCalendarDate(birthDate)) throw new RangeError(`not a date: ${birthDate}`);
  const y = +m[1]! + years;
  const month = +m[2]! - 1;
  const lastDay = new Date(Date.UTC(y, month + 1, 0)).getUTCDate();
  const day = Math.min(+m[3]!, lastDay);
  const utcMidnight = Date.UTC(y, month, day);
  // Midnight in the zone: shift by the zone's offset at that moment (twice, for a DST edge).
  let guess = utcMidnight - zoneOffsetMs(new Date(utcMidnight), timeZone);
  guess = utcMidnight - zoneOffsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** The moment a minor born on `birthDate` reaches the age of digital consent (14) in `timeZone`. */
export const fourteenthBirthday = (birthDate: string, timeZone: string): Date => birthdayAt(birthDate, AGE_OF_DIGITAL_CONSENT, timeZone);
