import { createRoute, z } from '@hono/zod-openapi';
import { type CheckItem, checkConsents } from '../../consent/check-consent.js';
import { type AuditBatcher, createAuditBatcher } from '../../storage/audit-batcher.js';
import { instrumentsOf } from '../../core/metric-catalogue.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { rejectInactiveService, serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { CheckBatchBody, CheckBatchResult, CheckItemSchema, CheckResult } from '../schemas/check.js';


const toItem = (b: z.infer<typeof CheckItemSchema>): CheckItem => ({
  subjectRef: b.subjectRef,
  purpose: b.purpose,
  dataCategories: b.dataCategories ?? [b.dataCategory!],
  processing: b.processing === undefined ? undefined : Array.isArray(b.processing) ? b.processing : [b.processing],
});

/**
 * The consent check, the hot path: token verified once and cached, the service
 * status folded into the one lookup, every answer group-committed to the audit log first.
 */
export function checkRoutes(deps: AppDeps, opts: { audit?: AuditBatcher } = {}) {
  const r = newRouter();
  const commits = deps.metrics ? instrumentsOf(deps.metrics).auditCommitEvents.labels() : undefined;
  const audit = opts.audit ?? createAuditBatcher(deps.db, commits ? { onCommit: (n) => commits.observe(n) } : {});
  // The check query itself refuses a suspended service, so the middleware need not ask.
  const auth = serviceAuth(deps, { scope: 'consents:check', checkStatus: false });
  const common = { tags: ['check'], security: serviceSecurity('consents:check'), middleware: auth };

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/check',
      summary: 'May I use these data of this person for this purpose now? permit or deny with a reason',
      request: { body: { content: json(CheckItemSchema), required: true } },
      responses: { 200: { description: 'The decision, already in the audit log', content: json(CheckResult) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const answers = await checkConsents(deps, audit, c.get('service').serviceId, [toItem(c.req.valid('json'))], c.get('requestId'));
      if (!answers) rejectInactiveService(c);
      c.header('Cache-Control', 'no-store');
      return c.json(answers[0]!, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/check/batch',
      summary: 'Up to 1,000 checks in one call; results in the same order',
      request: { body: { content: json(CheckBatchBody), required: true } },
      responses: { 200: { description: 'The decisions, already in the audit log', content: json(CheckBatchResult) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const answers = await checkConsents(deps, audit, c.get('service').serviceId, c.req.valid('json').items.map(toItem), c.get('requestId'));
      if (!answers) rejectInactiveService(c);
      c.header('Cache-Control', 'no-store');
      return c.json({ results: answers }, 200);
    },
  );
  return r;
}
