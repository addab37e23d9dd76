import { ConflictError, IllegalTransitionError, RuleError } from './errors.js';

/** The statuses of a consent. W3C DPV: *withdrawn* is by the data subject, *revoked* by another party. */
export const consentStatuses = ['active', 'paused', 'withdrawn', 'revoked', 'expired'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

/** What happened to a consent; each yields a new revision and a receipt. */
export const consentEvents = ['granted', 'narrowed', 'paused', 'resumed', 'withdrawn', 'revoked', 'expired', 'renewed'] as const;
export type ConsentEvent = (typeof consentEvents)[number];

/** Actions that move an existing consent. */
export type ConsentAction = 'narrow' | 'pause' | 'resume' | 'withdraw' | 'revoke' | 'expire';

/** The notice the citizen saw: its language, version and the SHA-256 of its exact text. */
export interface Notice {
  language: 'ca' | 'es' | 'en';
  version: string;
  sha256: string;
}

/**
 * The terms a consent commits to; `termsHash` is SHA-256 over their RFC 8785 form.
 * Lists are kept sorted so equal terms always hash equally.
 */
export interface ConsentTerms {
  service: string;
  controller: { name: string; dpoContact: string; policyUrl: string };
  subjectRef: string;
  purposes: string[];
  dataCategories: string[];
  processing: string[];
  legalBasis: 'dpv:Consent';
  jurisdiction: string;
  validFrom: string;
  validUntil: string;
  notice: Notice;
  collectionMethod: string;
}

const transitions: Record<Exclude<ConsentAction, 'narrow'>, { from: readonly ConsentStatus[]; to: ConsentStatus; event: ConsentEvent; verb: string }> = {
  pause: { from: ['active'], to: 'paused', event: 'paused', verb: 'paused' },
  resume: { from: ['paused'], to: 'active', event: 'resumed', verb: 'resumed' },
  withdraw: { from: ['active', 'paused'], to: 'withdrawn', event: 'withdrawn', verb: 'withdrawn' },
  revoke: { from: ['active', 'paused'], to: 'revoked', event: 'revoked', verb: 'revoked' },
  expire: { from: ['active', 'paused'], to: 'expired', event: 'expired', verb: 'expired' },
};

/** The status and event an action leads to from `from`; throws IllegalTransitionError (409) if not allowed. */
export function nextState(from: ConsentStatus, action: ConsentAction): { status: ConsentStatus; event: ConsentEvent } {
  if (action === 'narrow') {
    // Narrowing keeps the status: an active consent stays active, a paused one paused.
    if (from !== 'active' && from !== 'paused') throw new IllegalTransitionError(from, 'narrowed');
    return { status: from, event: 'narrowed' };
  }
  const t = transitions[action];
  if (!t.from.includes(from)) throw new IllegalTransitionError(from, t.verb);
  return { status: t.to, event: t.event };
}

/** A consent's status as any reader must see it: an active or paused consent past `validUntil` is expired. */
export function effectiveStatus(status: ConsentStatus, validUntil: Date, now: Date): ConsentStatus {
  return (status === 'active' || status === 'paused') && validUntil.getTime() <= now.getTime() ? 'expired' : status;
}

/** True when the status is final. */
export const isEnded = (s: ConsentStatus): boolean => s === 'withdrawn' || s === 'revoked' || s === 'expired';

/** The requested change for a narrowing; omitted fields stay as they are. */
export interface NarrowChange {
  purposes?: string[] | undefined;
  dataCategories?: string[] | undefined;
  processing?: string[] | undefined;
  validUntil?: Date | undefined;
}

const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/**
 * Applies a narrowing to `terms` (removing a purpose or category, or shortening
 * validity). Widening anything is refused (it needs a new request); so is a change that
 * changes nothing.
 */
export function narrowTerms(terms: ConsentTerms, change: NarrowChange, now: Date): ConsentTerms {
  const wider = (field: string, next: string[] | undefined, prev: string[]) => {
    const extra = (next ?? []).filter((x) => !prev.includes(x));
    if (extra.length) {
      throw new RuleError('consent_not_narrower', `Narrowing cannot add to ${field}: ${extra.join(', ')}. Widening needs a new consent.`, {
        field,
        added: extra,
      });
    }
  };
  wider('purposes', change.purposes, terms.purposes);
  wider('dataCategories', change.dataCategories, terms.dataCategories);
  wider('processing', change.processing, terms.processing);
  if (change.purposes && change.purposes.length === 0) throw new RuleError('consent_not_narrower', 'A consent needs at least one purpose; withdraw it instead.');
  if (change.dataCategories && change.dataCategories.length === 0) {
    throw new RuleError('consent_not_narrower', 'A consent needs at least one data category; withdraw it instead.');
  }
  const prevUntil = new Date(terms.validUntil);
  if (change.validUntil) {
    if (change.validUntil.getTime() > prevUntil.getTime()) {
      throw new RuleError('consent_not_narrower', 'Narrowing cannot extend validUntil. Extending needs a new consent.', { field: 'validUntil' });
    }
    if (change.validUntil.getTime() <= now.getTime()) {
      throw new RuleError('validity_out_of_range', 'validUntil must be in the future; to end the consent now, withdraw it.', { field: 'validUntil' });
    }
  }
  const next: ConsentTerms = {
    ...terms,
    purposes: change.purposes ? sorted(change.purposes) : terms.purposes,
    dataCategories: change.dataCategories ? sorted(change.dataCategories) : terms.dataCategories,
    processing: change.processing ? sorted(change.processing) : terms.processing,
    validUntil: change.validUntil ? change.validUntil.toISOString() : terms.validUntil,
  };
  const same =
    next.purposes.join() === terms.purposes.join() &&
    next.dataCategories.join() === terms.dataCategories.join() &&
    next.processing.join() === terms.processing.join() &&
    next.validUntil === terms.validUntil;
  if (same) throw new ConflictError('consent_not_narrower', 'The change leaves the consent as it is.');
  return next;
}

/** Sorted, de-duplicated copy of a list of codes. */
export const normaliseCodes = sorted;
