import { createRoute } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { approveRequest, startApproval } from '../../consent/approve-request.js';
import { citizenRequest, rejectRequest } from '../../consent/decide-request.js';
import { pickLanguage } from '../../consent/request-terms.js';
import type { CatalogueTerm, Lang } from '../../domain/catalogue.js';
import { NotFoundError } from '../../domain/errors.js';
import { resolveTerms } from '../../storage/catalogue-repo.js';
import { listCitizenRequests, type RequestRow } from '../../storage/requests-repo.js';
import { getService } from '../../storage/services-repo.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import { ConsentIdParam } from '../schemas/consent.js';
import { ApprovalCeremony, ApprovalOptionsBody, ApprovalResult, ApproveBody, CitizenListRequestsQuery, CitizenRequestView, ConsentRequestPage, ConsentRequest, LangQuery } from '../schemas/request.js';
import { consentView, receiptView } from '../../consent/consent-view.js';
import { requestView } from '../../consent/request-view.js';


/** The citizen's side of consent requests: read one in their language, approve it with a terms-bound passkey ceremony, or reject it. */
export function meRequestRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['citizen requests'], security: [{ session: [] }], middleware: citizenAuth(deps) };
  const view = (row: RequestRow) => requestView(row, deps.clock.now(), deps.config.publicUrl);

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/requests',
      summary: 'Requests addressed to me (pending ones for my subject references) and those I decided',
      request: { query: CitizenListRequestsQuery },
      responses: { 200: { description: 'A page of requests, newest first', content: json(ConsentRequestPage) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const rows = await listCitizenRequests(deps.db, { citizenId: c.get('citizen').citizenId, status: q.status, before: decodeCursor(q.cursor), limit: q.limit + 1 });
      return c.json(pageOf(rows, q.limit, view), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/requests/{id}',
      summary: 'Read a request in my language: who asks, which data, for what, until when',
      request: { params: ConsentIdParam, query: LangQuery },
      responses: { 200: { description: 'The request, in plain words', content: json(CitizenRequestView) }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const row = await citizenRequest(deps.db, c.get('citizen').citizenId, c.req.valid('param').id);
      const lang: Lang = pickLanguage(row, c.req.valid('query').lang);
      const service = await getService(deps.db, row.service_id);
      if (!service) throw new NotFoundError('request');
      const terms = await resolveTerms(deps.db, { purposes: row.purposes, categories: row.categories, processing: row.processing });
      const text = (kind: CatalogueTerm['kind']) =>
        terms.filter((t) => t.kind === kind).map((t) => ({ code: t.code, label: t.label[lang], description: t.description[lang], sensitive: t.sensitive }));
      const { subjectRef: _omit, ...base } = view(row);
      return c.json(
        {
          ...base,
          language: lang,
          noticeText: row.notice.texts[lang]!,
          service: { id: service.id, name: service.name[lang], description: service.description[lang], controller: service.controller },
          purposeTerms: text('purpose'),
          categoryTerms: text('category'),
          processingTerms: text('processing'),
        },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/requests/{id}/approval',
      summary: 'Start approving: fixes the terms and returns passkey options whose challenge is SHA-256(nonce ‖ termsHash)',
      request: { params: ConsentIdParam, body: { content: json(ApprovalOptionsBody), required: false } },
      responses: { 200: { description: 'The terms-bound ceremony', content: json(ApprovalCeremony) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const ceremony = await startApproval(deps, c.get('citizen').citizenId, c.req.valid('param').id, c.req.valid('json').language);
      return c.json({ ...ceremony, options: ceremony.options as unknown as Record<string, unknown> }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/requests/{id}/approve',
      summary: 'Approve with the passkey assertion over the terms: creates the consent; its receipt carries my signature',
      request: { params: ConsentIdParam, body: { content: json(ApproveBody), required: true } },
      responses: { 201: { description: 'Approved: the new consent and its receipt', content: json(ApprovalResult) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { consent, receipt, request } = await approveRequest(
        deps,
        c.get('citizen').citizenId,
        c.req.valid('param').id,
        { ceremonyId: body.ceremonyId, response: body.response as AuthenticationResponseJSON },
        c.get('requestId'),
      );
      const now = deps.clock.now();
      return c.json({ consent: consentView(consent, now), receipt: receiptView(receipt), request: view(request) }, 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/requests/{id}/reject',
      summary: 'Reject a request',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'Rejected', content: json(ConsentRequest) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const row = await deps.db.transaction((tx) => rejectRequest(tx, deps, c.get('citizen').citizenId, c.req.valid('param').id, c.get('requestId')));
      return c.json(view(row), 200);
    },
  );
  return r;
}
