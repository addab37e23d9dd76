import { assertTermsAllowed, validityCapDays } from '../domain/catalogue.js';
import { normaliseCodes } from '../domain/consent.js';
import { ConflictError, NotFoundError, RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import type { Sql } from '../storage/db.js';
import { insertRequest, type RequestNotice, type RequestRow } from '../storage/requests-repo.js';
import { getService } from '../storage/services-repo.js';
import { notifyRequestCreated } from '../notifications/notify-events.js';

/** Longest a request may wait for the citizen (at most 30 days). */
export const MAX_REQUEST_DAYS = 30;

/** What a service asks for. */
export interface RequestInput {
  serviceId: string;
  subjectRef: string;
  purposes: string[];
  dataCategories: string[];
  processing?: string[] | undefined;
  durationDays: number;
  notice: RequestNotice;
  returnUrl?: string | undefined;
  expiresInDays?: number | undefined;
  httpRequestId?: string | undefined;
}

/**
 * Creates a pending consent request after checking the terms against the
 * catalogue, the service's registration and the duration cap. Audited in the same transaction.
 */
export async function createRequest(tx: Sql, deps: AppDeps, input: RequestInput): Promise<RequestRow> {
  const now = deps.clock.now();
  const service = await getService(tx, input.serviceId);
  if (!service) throw new NotFoundError('service');
  if (service.status !== 'active') throw new ConflictError('service_suspended', 'This service is suspended.');
  const selection = {
    purposes: normaliseCodes(input.purposes),
    categories: normaliseCodes(input.dataCategories),
    processing: normaliseCodes(input.processing ?? []),
  };
  const known = await resolveTerms(tx, selection);
  assertTermsAllowed(service, selection);
  const cap = validityCapDays(known, selection.purposes);
  if (input.durationDays > cap) {
    throw new RuleError('validity_out_of_range', `durationDays may be at most ${cap} for these purposes.`, {
      field: 'durationDays',
      maxDurationDays: cap,
    });
  }
  const expiresIn = input.expiresInDays ?? 7;
  const row: RequestRow = {
    id: uuidv7(deps.clock, deps.random),
    service_id: service.id,
    subject_ref: input.subjectRef,
    purposes: selection.purposes,
    categories: selection.categories,
    processing: selection.processing,
    duration_days: input.durationDays,
    notice: input.notice,
    return_url: input.returnUrl ?? null,
    status: 'pending',
    expires_at: new Date(now.getTime() + expiresIn * 86_400_000),
    created_at: now,
    decided_at: null,
    citizen_id: null,
    consent_id: null,
  };
  await insertRequest(tx, row);
  await insertAuditEvent(tx, {
    id: uuidv7(deps.clock, deps.random),
    type: 'request.created',
    actorType: 'service',
    actorId: service.id,
    serviceId: service.id,
    requestId: input.httpRequestId,
    data: { consentRequestId: row.id, subjectRef: row.subject_ref, purposes: row.purposes, dataCategories: row.categories, processing: row.processing },
    createdAt: now,
  });
  await notifyRequestCreated(tx, deps, { id: row.id, serviceId: row.service_id, subjectRef: row.subject_ref, expiresAt: row.expires_at });
  return row;
}
