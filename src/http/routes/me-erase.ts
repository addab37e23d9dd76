import { createRoute } from '@hono/zod-openapi';
import { eraseCitizen, ErasureIncompleteError } from '../../erasure/erase-citizen.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { ERASURE_CONFIRMATION, ErasureBody, ErasureResultSchema } from '../schemas/me-data.js';
import { clearSessionCookie } from '../../web/session-cookie.js';


/** Erasure of the signed-in citizen's account (GDPR Art. 17). */
export function meEraseRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/me/erase',
      tags: ['me'],
      security: [{ session: [] }],
      middleware: citizenAuth(deps),
      summary: 'Erase my account (GDPR Art. 17): consents withdrawn and services notified first, then personal data erased',
      description:
        `Send \`{"confirm": "${ERASURE_CONFIRMATION}"}\`. In order: every active or paused consent is withdrawn (reason \`erasure\`, ` +
        'with its receipt and a `consent.withdrawn` webhook to the service) and every pending request to you is rejected; then the ' +
        'personal fields of every audit event about you (your account id, your subject references) are erased from the events table ' +
        '— the transparency log keeps only their salted hashes, so it still verifies and those events show as `redacted`; then your ' +
        'passkeys, sessions, roles and links to services are deleted and your name removed. Consent records and receipts stay, tied ' +
        'to the service\'s pseudonymous reference only, as the record of what you had agreed to. This session ends. Safe to retry: ' +
        'an interrupted erasure completes on the next attempt (or by itself shortly after). 409 `last_admin` if this account is the ' +
        'only admin; 503 `erasure_incomplete` (Retry-After) if it could not finish yet.',
      request: { body: { content: json(ErasureBody), required: true } },
      responses: { 200: { description: 'Erased', content: json(ErasureResultSchema) }, ...problemResponses(400, 401, 409) },
    }),
    async (c) => {
      c.req.valid('json');
      try {
        const done = await eraseCitizen(deps, c.get('citizen').citizenId, { requestId: c.get('requestId') });
        clearSessionCookie(c);
        c.header('Cache-Control', 'no-store');
        return c.json(
          {
            erasedAt: done.erasedAt.toISOString(),
            withdrawnConsents: done.withdrawnConsents,
            rejectedRequests: done.rejectedRequests,
            redactedEvents: done.redactedEvents,
          },
          200,
        );
      } catch (err) {
        // The app's error handler renders the problem; the header set here goes with it.
        if (err instanceof ErasureIncompleteError) c.header('Retry-After', '10');
        throw err;
      }
    },
  );

  return r;
}
