import { effectiveRequestStatus } from './decide-request.js';
import { noticeLanguages } from './request-terms.js';
import type { RequestRow } from '../storage/requests-repo.js';

/** The API view of a consent request, with the status readers must see at `now`. */
export function requestView(r: RequestRow, now: Date, publicUrl: string) {
  return {
    id: r.id,
    status: effectiveRequestStatus(r, now),
    serviceId: r.service_id,
    subjectRef: r.subject_ref,
    purposes: r.purposes,
    dataCategories: r.categories,
    processing: r.processing,
    durationDays: r.duration_days,
    notice: { version: r.notice.version, languages: noticeLanguages(r) },
    returnUrl: r.return_url,
    approvalUrl: `${publicUrl}/requests/${r.id}`,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    consentId: r.consent_id,
  };
}
