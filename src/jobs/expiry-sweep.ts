import { transitionConsent } from '../consent/transition-consent.js';
import { PermisError } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import { findExpiredIds } from '../storage/consents-repo.js';
import { findExpiredRequestIds } from '../storage/requests-repo.js';
import { expireRequest } from '../consent/decide-request.js';
import { endLapsedRepresentations } from '../representation/end-representation.js';

/** Options for {@link sweepExpired}. */
export interface SweepOptions {
  /** Most consents handled in one call; default 500. */
  batch?: number;
}

/**
 * Records the expiry of every active or paused consent whose `validUntil` has passed: each
 * gets its `expired` revision, receipt, audit event and webhook, one transaction per consent.
 * Then records the expiry of pending consent requests past their deadline (webhook
 * `request.expired`). Safe to run on several replicas at once (row locks; anything already
 * moved is skipped). Last, records the end of representation relationships past their end date
 * (a minor's 14th birthday): access stopped at that instant already. Returns how many consents,
 * requests and relationships it ended.
 */
export async function sweepExpired(deps: AppDeps, opts: SweepOptions = {}): Promise<number> {
  const ids = await findExpiredIds(deps.db, deps.clock.now(), opts.batch ?? 500);
  let n = 0;
  for (const id of ids) {
    try {
      await deps.db.transaction((tx) =>
        transitionConsent(tx, deps, { consentId: id, action: 'expire', actor: { type: 'system', id: 'expiry-sweep' }, reason: 'expired' }),
      );
      n++;
    } catch (err) {
      // Another replica (or the citizen) moved it first: nothing to do.
      if (err instanceof PermisError && (err.code === 'illegal_transition' || err.code === 'conflict')) continue;
      throw err;
    }
  }
  for (const id of await findExpiredRequestIds(deps.db, deps.clock.now(), opts.batch ?? 500)) {
    if (await deps.db.transaction((tx) => expireRequest(tx, deps, id))) n++;
  }
  n += await endLapsedRepresentations(deps, opts.batch ?? 500);
  return n;
}
