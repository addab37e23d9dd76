/**
 * Renewal of a consent in one step: exactly the same terms, valid from now for a new period
 * that the catalogue caps (the strictest purpose wins, as at the grant). Only a live consent
 * (active or paused, not past its end) can be renewed; an ended one needs a new consent.
 */
import type { ConsentStatus, ConsentTerms } from './consent.js';
import { IllegalTransitionError, RuleError } from './errors.js';

const DAY_MS = 86_400_000;

/** Throws IllegalTransitionError (409) unless a consent in `status` (as readers see it now) can be renewed. */
export function assertRenewable(status: ConsentStatus): void {
  if (status !== 'active' && status !== 'paused') throw new IllegalTransitionError(status, 'renewed');
}

/**
 * The new end of validity: `asked` when given, else as long again as the current terms run
 * (their `validUntil − validFrom`), never more than `capDays` from `now`. An `asked` end beyond
 * the cap, or within a minute, is a RuleError `validity_out_of_range`.
 */
export function renewalValidUntil(terms: ConsentTerms, now: Date, capDays: number, asked?: Date): Date {
  const max = now.getTime() + capDays * DAY_MS;
  if (asked) {
    if (asked.getTime() <= now.getTime() + 60_000) {
      throw new RuleError('validity_out_of_range', 'validUntil must be at least a minute in the future.', { field: 'validUntil' });
    }
    if (asked.getTime() > max) {
      throw new RuleError('validity_out_of_range', `validUntil may be at most ${capDays} days from now (${new Date(max).toISOString()}) for these purposes.`, {
        field: 'validUntil',
        maxValidUntil: new Date(max).toISOString(),
      });
    }
    return asked;
  }
  const length = Math.max(DAY_MS, new Date(terms.validUntil).getTime() - new Date(terms.validFrom).getTime());
  return new Date(Math.min(max, now.getTime() + length));
}

/** The renewed terms: every field as it was, except the validity, which starts now. */
export function renewedTerms(terms: ConsentTerms, now: Date, validUntil: Date): ConsentTerms {
  return { ...terms, validFrom: now.toISOString(), validUntil: validUntil.toISOString() };
}
