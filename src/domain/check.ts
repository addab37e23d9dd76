import { type ConsentStatus, effectiveStatus } from './consent.js';

/** Why a check was denied. */
export const denyReasons = [
  'no_consent',
  'paused',
  'withdrawn',
  'revoked',
  'expired',
  'purpose_not_covered',
  'category_not_covered',
  'processing_not_covered',
] as const;
export type DenyReason = (typeof denyReasons)[number];

/** What a service asks: may I use these categories of this subject for this purpose (and processing) now? */
export interface CheckQuery {
  purpose: string;
  dataCategories: string[];
  processing?: string[] | undefined;
}

/** The facts of one consent a check needs. */
export interface CheckableConsent {
  id: string;
  revision: number;
  status: ConsentStatus;
  purposes: string[];
  categories: string[];
  processing: string[];
  validUntil: Date;
  updatedAt: Date;
}

/** The answer to a check. */
export type CheckDecision =
  | { decision: 'permit'; consentId: string; revision: number }
  | { decision: 'deny'; reason: DenyReason; consentId?: string; revision?: number };

const covers = (c: CheckableConsent, q: CheckQuery): DenyReason | null => {
  if (!c.purposes.includes(q.purpose)) return 'purpose_not_covered';
  if (!q.dataCategories.every((d) => c.categories.includes(d))) return 'category_not_covered';
  if (!(q.processing ?? []).every((p) => c.processing.includes(p))) return 'processing_not_covered';
  return null;
};

/**
 * Decides a check over all consents of one service for one subject: `permit`
 * only if an active, unexpired consent covers the purpose, every category and every
 * processing operation. Otherwise the most telling reason: the status of the newest consent
 * that covers the request (paused, withdrawn, revoked, expired); else what the newest active
 * consent lacks; else the status of the newest consent; else `no_consent`.
 */
export function decide(consents: readonly CheckableConsent[], q: CheckQuery, now: Date): CheckDecision {
  if (consents.length === 0) return { decision: 'deny', reason: 'no_consent' };
  const newestFirst = [...consents].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  const withStatus = newestFirst.map((c) => ({ c, status: effectiveStatus(c.status, c.validUntil, now), gap: covers(c, q) }));
  const permit = withStatus.find((x) => x.status === 'active' && x.gap === null);
  if (permit) return { decision: 'permit', consentId: permit.c.id, revision: permit.c.revision };
  const covering = withStatus.find((x) => x.gap === null);
  if (covering) return { decision: 'deny', reason: covering.status as DenyReason, consentId: covering.c.id, revision: covering.c.revision };
  const active = withStatus.find((x) => x.status === 'active');
  if (active) return { decision: 'deny', reason: active.gap!, consentId: active.c.id, revision: active.c.revision };
  const newest = withStatus[0]!;
  return { decision: 'deny', reason: newest.status as DenyReason, consentId: newest.c.id, revision: newest.c.revision };
}
