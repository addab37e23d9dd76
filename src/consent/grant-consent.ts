import { pairwiseSubject } from '../crypto/pairwise.js';
import { termsHash } from '../crypto/terms-hash.js';
import { type ConsentTerms, normaliseCodes } from '../domain/consent.js';
import { b64url, sha256 } from '../domain/encoding.js';
import { ConflictError, NotFoundError, RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../http/deps.js';
import { loadConsentService, loadTerms, type ConsentService, type TermInfo } from '../storage/consent-context-repo.js';
import type { ConsentRow, ReceiptRow } from '../storage/consents-repo.js';
import type { Sql } from '../storage/db.js';
import { recordTransition } from './record-transition.js';

/** Default cap on a consent's duration when no purpose in the catalogue sets one. */
export const DEFAULT_MAX_VALIDITY_DAYS = 365;

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

/** Checks that every code exists in the catalogue and that the service may ask for it. */
async function checkTerms(tx: Sql, service: ConsentService, kind: TermInfo['kind'], field: string, codes: string[], allowed: string[]) {
  const known = await loadTerms(tx, kind, codes);
  const unknown = codes.filter((c) => !known.some((k) => k.code === c));
  if (unknown.length) {
    throw new RuleError('term_unknown', 'Unknown term', `${field} has codes that are not in the catalogue: ${unknown.join(', ')}.`, { field, codes: unknown });
  }
  const notAllowed = codes.filter((c) => !allowed.includes(c));
  if (notAllowed.length) {
    throw new RuleError('term_not_allowed', 'Term not allowed', `The service ${service.clientId} may not ask for ${field}: ${notAllowed.join(', ')}.`, {
      field,
      codes: notAllowed,
    });
  }
  return known;
}

/**
 * Validates the requested terms against the catalogue and the service's registration and
 * builds the consent's terms. Throws a RuleError naming the offending field.
 */
export async function buildTerms(tx: Sql, deps: AppDeps, input: GrantInput & { subjectRef?: string }): Promise<{ terms: ConsentTerms; service: ConsentService }> {
  const now = deps.clock.now();
  const service = await loadConsentService(tx, input.serviceId);
  if (!service) throw new NotFoundError('service');
  if (service.status !== 'active') throw new ConflictError('service_suspended', 'This service is suspended and cannot receive consents.');
  const purposes = normaliseCodes(input.purposes);
  const dataCategories = normaliseCodes(input.dataCategories);
  const processing = normaliseCodes(input.processing ?? []);
  const purposeTerms = await checkTerms(tx, service, 'purpose', 'purposes', purposes, service.purposes);
  await checkTerms(tx, service, 'category', 'dataCategories', dataCategories, service.categories);
  await checkTerms(tx, service, 'processing', 'processing', processing, service.processing);
  // DESIGN §3: every consent expires; the catalogue caps the duration (the strictest purpose wins).
  const capDays = Math.min(...purposeTerms.map((p) => p.maxValidityDays ?? DEFAULT_MAX_VALIDITY_DAYS));
  const max = new Date(now.getTime() + capDays * 86_400_000);
  if (input.validUntil.getTime() <= now.getTime() + 60_000) {
    throw new RuleError('validity_out_of_range', 'Validity out of range', 'validUntil must be at least a minute in the future.', { field: 'validUntil' });
  }
  if (input.validUntil.getTime() > max.getTime()) {
    throw new RuleError('validity_out_of_range', 'Validity out of range', `validUntil may be at most ${capDays} days from now (${max.toISOString()}) for these purposes.`, {
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

/** Gives a new consent (revision 1, active) and records it with its receipt, in the caller's transaction. */
export async function grantConsent(tx: Sql, deps: AppDeps, input: GrantInput): Promise<{ consent: ConsentRow; receipt: ReceiptRow }> {
  const { terms } = await buildTerms(tx, deps, input);
  const now = deps.clock.now();
  const next: ConsentRow = {
    id: uuidv7(deps.clock, deps.random),
    service_id: terms.service,
    citizen_id: input.citizenId,
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
    actor: { type: 'citizen', id: input.citizenId },
    requestId: input.requestId,
  });
}
