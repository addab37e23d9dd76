import { pairwiseSubject } from '../crypto/pairwise.js';
import { termsHash } from '../crypto/terms-hash.js';
import { type ConsentTerms, normaliseCodes } from '../domain/consent.js';
import { b64url, sha256 } from '@permis/sdk/encoding';
import { assertTermsAllowed, validityCapDays } from '../domain/catalogue.js';
import type { Service } from '../domain/service.js';
import { ConflictError, NotFoundError, RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { resolveTerms } from '../storage/catalogue-repo.js';
import { getService } from '../storage/services-repo.js';
import type { ConsentRow, ReceiptRow } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { type Actor, recordTransition } from './record-transition.js';
import type { CitizenSignature } from '../crypto/receipt.js';
import { bindSubject } from '../storage/requests-repo.js';

/** What a citizen asks for when giving a consent directly. */
export interface GrantInput {
  citizenId: string;
  serviceId: string;
  purposes: string[];
  dataCategories: string[];
  processing?: string[] | undefined;
  validUntil: Date;
  notice: { language: 'ca' | 'es' | 'en'; version: string; text: string };
  collectionMethod?: string;
  requestId?: string | undefined;
}

/**
 * Validates the requested terms against the catalogue and the service's registration and
 * builds the consent's terms. Throws a RuleError naming the offending field.
 */
export async function buildTerms(tx: Sql, deps: AppDeps, input: GrantInput & { subjectRef?: string }): Promise<{ terms: ConsentTerms; service: Service }> {
  const now = deps.clock.now();
  const service = await getService(tx, input.serviceId);
  if (!service) throw new NotFoundError('service');
  if (service.status !== 'active') throw new ConflictError('service_suspended', 'This service is suspended and cannot receive consents.');
  const purposes = normaliseCodes(input.purposes);
  const dataCategories = normaliseCodes(input.dataCategories);
  const processing = normaliseCodes(input.processing ?? []);
  const selection = { purposes, categories: dataCategories, processing };
  const known = await resolveTerms(tx, selection);
  assertTermsAllowed(service, selection);
  // Every consent expires; the catalogue caps the duration (the strictest purpose wins).
  const capDays = validityCapDays(known, purposes);
  const max = new Date(now.getTime() + capDays * 86_400_000);
  if (input.validUntil.getTime() <= now.getTime() + 60_000) {
    throw new RuleError('validity_out_of_range', 'validUntil must be at least a minute in the future.', { field: 'validUntil' });
  }
  if (input.validUntil.getTime() > max.getTime()) {
    throw new RuleError('validity_out_of_range', `validUntil may be at most ${capDays} days from now (${max.toISOString()}) for these purposes.`, {
      field: 'validUntil',
      maxValidUntil: max.toISOString(),
    });
  }
  const terms: ConsentTerms = {
    service: service.id,
    controller: service.controller,
    subjectRef: input.subjectRef ?? (await pairwiseSubject(deps.config.pairwiseSecret, input.citizenId, service.id)),
    purposes,
    dataCategories,
    processing,
    legalBasis: 'dpv:Consent',
    jurisdiction: deps.config.jurisdiction,
    validFrom: now.toISOString(),
    validUntil: input.validUntil.toISOString(),
    notice: { language: input.notice.language, version: input.notice.version, sha256: b64url(await sha256(input.notice.text)) },
    collectionMethod: input.collectionMethod ?? 'permis-api',
  };
  return { terms, service };
}

/** A consent about to be created from validated terms. */
export interface NewConsent {
  terms: ConsentTerms;
  citizenId: string;
  actor: Actor;
  requestId?: string | undefined;
  citizenSignature?: CitizenSignature | undefined;
}

/**
 * Creates revision 1 (active) of a consent with its receipt, in the caller's transaction,
 * and binds the subjectRef to the citizen for this service (one citizen per subjectRef).
 */
export async function createConsent(tx: Sql, deps: AppDeps, n: NewConsent): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const now = deps.clock.now();
  const { terms } = n;
  if (!(await bindSubject(tx, terms.service, terms.subjectRef, n.citizenId, now))) {
    throw new ConflictError('subject_ref_conflict', 'This service already uses that subjectRef for another person.');
  }
  const next: ConsentRow = {
    id: uuidv7(deps.clock, deps.random),
    service_id: terms.service,
    citizen_id: n.citizenId,
    subject_ref: terms.subjectRef,
    revision: 1,
    status: 'active',
    terms,
    terms_hash: await termsHash(terms),
    valid_from: new Date(terms.validFrom),
    valid_until: new Date(terms.validUntil),
    collection_method: terms.collectionMethod,
    created_at: now,
    updated_at: now,
    ended_at: null,
    end_reason: null,
    last_receipt_hash: '',
  };
  return recordTransition(tx, deps, {
    next,
    event: 'granted',
    actor: n.actor,
    requestId: n.requestId,
    citizenSignature: n.citizenSignature,
  });
}

/** Gives a new consent directly, validated against the catalogue and the service. */
export async function grantConsent(tx: Sql, deps: AppDeps, input: GrantInput): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const { terms } = await buildTerms(tx, deps, input);
  return createConsent(tx, deps, { terms, citizenId: input.citizenId, actor: { type: 'citizen', id: input.citizenId }, requestId: input.requestId });
}
