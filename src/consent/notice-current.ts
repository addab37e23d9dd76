import { ConflictError } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import type { ConsentRow } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { currentNoticeVersion, pendingRequestFor } from '../storage/notice-versions.js';

/**
 * Throws ConflictError `notice_changed` when the service has changed its notice since the
 * citizen agreed to this consent: a renewal repeats exactly the old terms, so it cannot stand
 * for agreeing to a notice the citizen never read. The service's current notice for these
 * purposes is the one its newest consent request carries. The problem points to the service's
 * pending request for this person, when there is one.
 */
export async function assertNoticeCurrent(sql: Sql, deps: Pick<AppDeps, 'clock' | 'config'>, consent: ConsentRow): Promise<void> {
  const current = await currentNoticeVersion(sql, consent.service_id, consent.terms.purposes);
  if (current === undefined || current === consent.terms.notice.version) return;
  const requestId = await pendingRequestFor(sql, consent.service_id, consent.subject_ref, deps.clock.now());
  throw new ConflictError(
    'notice_changed',
    requestId
      ? `The service has changed its notice (version ${consent.terms.notice.version} → ${current}); answer its new request instead of renewing.`
      : `The service has changed its notice (version ${consent.terms.notice.version} → ${current}); it must send you a new request to continue.`,
    {
      noticeVersion: consent.terms.notice.version,
      currentNoticeVersion: current,
      ...(requestId ? { consentRequestId: requestId, approvalUrl: `${deps.config.publicUrl}/requests/${requestId}` } : {}),
    },
  );
}
