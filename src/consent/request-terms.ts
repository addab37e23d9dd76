import type { ConsentTerms } from '../domain/consent.js';
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import type { RequestRow } from '../storage/requests-repo.js';
import { buildTerms } from './grant-consent.js';

/** The languages a request's notice is available in, Catalan first (the city's fallback). */
export function noticeLanguages(r: RequestRow): ('ca' | 'es' | 'en')[] {
  return (['ca', 'es', 'en'] as const).filter((l) => typeof r.notice.texts[l] === 'string');
}

/** The notice language to show: the asked one if available, else the first available. */
export function pickLanguage(r: RequestRow, asked?: 'ca' | 'es' | 'en'): 'ca' | 'es' | 'en' {
  const langs = noticeLanguages(r);
  return asked && langs.includes(asked) ? asked : langs[0]!;
}

/**
 * The terms a citizen approving `r` now would consent to: the request's purposes and
 * categories, valid from now for its duration, bound to the service's subjectRef and to the
 * notice text in the language shown. Validated against the catalogue and the registration again.
 */
export async function requestTerms(tx: Sql, deps: AppDeps, r: RequestRow, citizenId: string, language: 'ca' | 'es' | 'en'): Promise<ConsentTerms> {
  const now = deps.clock.now();
  const { terms } = await buildTerms(tx, deps, {
    citizenId,
    serviceId: r.service_id,
    subjectRef: r.subject_ref,
    purposes: r.purposes,
    dataCategories: r.categories,
    processing: r.processing,
    validUntil: new Date(now.getTime() + r.duration_days * 86_400_000),
    notice: { language, version: r.notice.version, text: r.notice.texts[language]! },
    collectionMethod: 'passkey-confirmed-request',
  });
  return terms;
}
