import { createRoute } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { declineRenewal } from '../../consent/decline-renewal.js';
import { renewConsent, startRenewal } from '../../consent/renew-consent.js';
import { requestRenewal } from '../../consent/request-renewal.js';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { serviceAuth, serviceSecurity } from '../middleware/service-auth.js';
import { problemResponses } from '../problem.js';
import { ConsentIdParam, ConsentWithReceipt } from '../schemas/consent.js';
import { RenewalOptionsBody, RenewalRequestSchema } from '../schemas/notifications.js';
import { ApprovalCeremony, ApproveBody } from '../schemas/request.js';
import { consentView, receiptView } from '../../consent/consent-view.js';
import { renewalRequestView } from '../views/notification-view.js';
import { json } from '../json-content.js';


/**
 * Renewal in one step: the citizen renews a consent on exactly the same terms for a new
 * validity with a passkey ceremony bound to the renewed terms; a service may ask for it
 * (renewal request) within 60 days of the end; the citizen may decline.
 */
export function renewalRoutes(deps: AppDeps) {
  const r = newRouter();
  const citizen = { tags: ['citizen consents'], security: [{ session: [] }], middleware: citizenAuth(deps) };

  r.openapi(
    createRoute({
      ...citizen,
      method: 'post',
      path: '/v1/me/consents/{id}/renewal',
      summary: 'Start renewing: fixes the renewed terms and returns passkey options whose challenge is SHA-256(nonce ‖ termsHash)',
      description:
        'The renewed terms are the consent’s terms with `validFrom` now and `validUntil` as asked (default: as long again), capped by the catalogue. ' +
        'Refused with 409 `notice_changed` (pointing to the service’s new request) when the service’s notice changed since the consent was given.',
      request: { params: ConsentIdParam, body: { content: json(RenewalOptionsBody), required: false } },
      responses: { 200: { description: 'The terms-bound ceremony', content: json(ApprovalCeremony) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const asked = c.req.valid('json').validUntil;
      const ceremony = await startRenewal(deps, c.get('citizen').citizenId, c.req.valid('param').id, { validUntil: asked ? new Date(asked) : undefined });
      return c.json({ ...ceremony, options: ceremony.options as unknown as Record<string, unknown> }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...citizen,
      method: 'post',
      path: '/v1/me/consents/{id}/renew',
      summary: 'Renew with the passkey assertion over the renewed terms: a new revision whose receipt carries my signature',
      request: { params: ConsentIdParam, body: { content: json(ApproveBody), required: true } },
      responses: { 200: { description: 'Renewed', content: json(ConsentWithReceipt) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { consent, receipt } = await renewConsent(
        deps,
        c.get('citizen').citizenId,
        c.req.valid('param').id,
        { ceremonyId: body.ceremonyId, response: body.response as AuthenticationResponseJSON },
        c.get('requestId'),
      );
      c.header('ETag', `"${consent.revision}"`);
      return c.json({ consent: consentView(consent, deps.clock.now()), receipt: receiptView(receipt) }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...citizen,
      method: 'post',
      path: '/v1/me/consents/{id}/renewal-request/decline',
      summary: 'Let the consent end instead of renewing it as the service asked (the service hears `consent.renewal_declined`)',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'Declined', content: json(RenewalRequestSchema) }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const row = await deps.db.transaction((tx) => declineRenewal(tx, deps, c.get('citizen').citizenId, c.req.valid('param').id, c.get('requestId')));
      return c.json(renewalRequestView(row), 200);
    },
  );

  r.openapi(
    createRoute({
      tags: ['service consents'],
      security: serviceSecurity('consents:request'),
      middleware: serviceAuth(deps, { scope: 'consents:request' }),
      method: 'post',
      path: '/v1/service/consents/{id}/renewal-request',
      summary: 'Ask the person to renew one of my consents that ends within 60 days',
      description:
        'The person sees it in their notifications (and e-mail) and renews on the same terms or lets it end; renewing sends `consent.renewed`, ' +
        'declining `consent.renewal_declined`. Asking again while one is pending returns it (200). 409 `renewal_not_allowed` for an ended consent ' +
        'or one ending later than 60 days from now; 409 `notice_changed` when your notice changed since: send a new consent request instead.',
      request: { params: ConsentIdParam },
      responses: {
        201: { description: 'Asked', content: json(RenewalRequestSchema) },
        200: { description: 'Already asked and still pending', content: json(RenewalRequestSchema) },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { serviceId } = c.get('service');
      const { renewal, created } = await deps.db.transaction((tx) => requestRenewal(tx, deps, serviceId, c.req.valid('param').id, c.get('requestId')));
      return c.json(renewalRequestView(renewal), created ? 201 : 200);
    },
  );

  return r;
}
