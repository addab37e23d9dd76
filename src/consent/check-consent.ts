import { type CheckDecision, type CheckQuery, decide } from '../domain/check.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import type { AuditBatcher } from '../storage/audit-batcher.js';
import type { AuditEvent } from '../storage/audit-repo.js';
import { loadCheckFacts } from '../storage/check-repo.js';
import { instrumentsOf } from '../core/metric-catalogue.js';
import { childCache2, type Counter, type Metrics } from '../core/metrics.js';

const decisionCaches = new WeakMap<Metrics, Map<string, (decision: string, reason: string) => Counter>>();

/** The decision counter of one service, its children cached (the check path builds no label objects). */
function decisionCounter(metrics: Metrics, serviceId: string): (decision: string, reason: string) => Counter {
  let byService = decisionCaches.get(metrics);
  if (!byService) decisionCaches.set(metrics, (byService = new Map()));
  let c = byService.get(serviceId);
  if (!c) {
    const family = instrumentsOf(metrics).checkDecisions;
    byService.set(serviceId, (c = childCache2({ labels: (d, r) => family.labels(serviceId, d, r) })));
  }
  return c;
}

/** One question of a service: may I use these data of this subject for this purpose now? */
export interface CheckItem extends CheckQuery {
  subjectRef: string;
}

/** A decision with its audit id and time. */
export type CheckAnswer = CheckDecision & { checkId: string; checkedAt: string };

/**
 * Answers checks for one service from the committed state — no cache, so a
 * withdrawal acknowledged before is always seen — and resolves only after every check is
 * durably in the audit log (group-committed). Returns undefined if the service is not active.
 */
export async function checkConsents(
  deps: AppDeps,
  audit: AuditBatcher,
  serviceId: string,
  items: CheckItem[],
  httpRequestId?: string,
): Promise<CheckAnswer[] | undefined> {
  const facts = await loadCheckFacts(deps.db, serviceId, [...new Set(items.map((i) => i.subjectRef))]);
  if (!facts) return undefined;
  const now = deps.clock.now();
  const events: AuditEvent[] = [];
  const answers = items.map((item): CheckAnswer => {
    const f = facts.get(item.subjectRef);
    const decision = decide(f?.consents ?? [], item, now);
    const consent = 'consentId' in decision ? f?.consents.find((c) => c.id === decision.consentId) : undefined;
    const checkId = uuidv7(deps.clock, deps.random);
    events.push({
      id: checkId,
      type: 'consent.checked',
      actorType: 'service',
      actorId: serviceId,
      citizenId: consent?.citizenId ?? f?.citizenId ?? null,
      serviceId,
      consentId: consent?.id ?? null,
      requestId: httpRequestId,
      data: {
        subjectRef: item.subjectRef,
        purpose: item.purpose,
        dataCategories: item.dataCategories,
        processing: item.processing ?? [],
        decision: decision.decision,
        ...(decision.decision === 'deny' ? { reason: decision.reason } : {}),
        ...(consent ? { revision: consent.revision } : {}),
      },
      createdAt: now,
    });
    return { ...decision, checkId, checkedAt: now.toISOString() };
  });
  // Every check, permit or deny, is durably in the audit log before the answer leaves.
  await audit.append(events);
  if (deps.metrics) {
    const decisions = decisionCounter(deps.metrics, serviceId);
    for (const a of answers) decisions(a.decision, a.decision === 'deny' ? a.reason : 'none').inc();
  }
  return answers;
}
