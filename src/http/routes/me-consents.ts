import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { grantConsent } from '../../consent/grant-consent.js';
import { transitionConsent } from '../../consent/transition-consent.js';
import type { ConsentAction } from '../../domain/consent.js';
import { b64url, sha256 } from '@permis/sdk/encoding';
import { NotFoundError } from '../../domain/errors.js';
import { findCitizenConsent, listConsents, listReceipts, listRevisions } from '../../storage/consents-repo.js';
import { idempotent } from '../../storage/idempotency.js';
import { newRouter } from '../router.js';
import { json as jsonContent } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { decodeCursor, pageOf } from '../../domain/cursor.js';
import { IdempotencyHeader } from '../schemas/common.js';
import {
  Consent,
  ConsentIdParam,
  ConsentPage,
  ConsentWithReceipt,
  GrantBody,
  ListConsentsQuery,
  NarrowBody,
  Receipt,
  ReasonBody,
  Revision,
} from '../schemas/consent.js';
import { consentView, receiptView, revisionView } from '../../consent/consent-view.js';

const security = [{ session: [] }];
const tags = ['citizen consents'];


const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .regex(/^"\d+"$/, 'an ETag such as "3" (the revision)')
    .optional()
    .openapi({ param: { in: 'header' }, description: 'RFC 9110 §13.1.1: act only if the consent is still at this revision.' }),
});

/** The ETag of a consent: its revision (RFC 9110 §8.8.3). */
const etag = (revision: number): string => `"${revision}"`;

/** Citizen routes for their own consents: grant, list, read, history, receipts, and every transition. */
export function meConsentRoutes(deps: AppDeps) {
  const r = newRouter();
  r.use('/v1/me/consents', citizenAuth(deps));
  r.use('/v1/me/consents/*', citizenAuth(deps));

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/me/consents',
      tags,
      security,
      summary: 'Give a consent to a service',
      description: 'Creates revision 1 (active) and its signed receipt. Honours Idempotency-Key.',
      request: { headers: IdempotencyHeader, body: { content: jsonContent(GrantBody), required: true } },
      responses: {
        201: { description: 'Granted', content: jsonContent(ConsentWithReceipt) },
        ...problemResponses(400, 401, 404, 409, 422),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { citizenId } = c.get('citizen');
      const key = c.req.valid('header')['idempotency-key'];
      const now = deps.clock.now();
      const idem = key ? { scope: `citizen:${citizenId}:grant`, key, requestHash: b64url(await sha256(JSON.stringify(body))) } : undefined;
      const result = await deps.db.transaction((tx) =>
        idempotent(
          tx,
          idem,
          now,
          async () => {
            const { consent, receipt } = await grantConsent(tx, deps, {
              citizenId,
              serviceId: body.serviceId,
              purposes: body.purposes,
              dataCategories: body.dataCategories,
              processing: body.processing,
              validUntil: new Date(body.validUntil),
              notice: body.notice,
              requestId: c.get('requestId'),
            });
            return { status: 201, body: { consent: consentView(consent, now), receipt: receiptView(receipt) } };
          },
        ),
      );
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/v1/me/consents/${result.body.consent.id}`);
      c.header('ETag', etag(result.body.consent.revision));
      return c.json(result.body, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/consents',
      tags,
      security,
      summary: 'List my consents, newest first',
      request: { query: ListConsentsQuery },
      responses: { 200: { description: 'A page of consents', content: jsonContent(ConsentPage) }, ...problemResponses(400, 401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const now = deps.clock.now();
      const rows = await listConsents(deps.db, {
        citizenId: c.get('citizen').citizenId,
        status: q.status,
        serviceId: q.serviceId,
        before: decodeCursor(q.cursor),
        limit: q.limit + 1,
        now,
      });
      return c.json(pageOf(rows, q.limit, (row) => consentView(row, now)), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/consents/{id}',
      tags,
      security,
      summary: 'Read one of my consents',
      request: { params: ConsentIdParam },
      responses: { 200: { description: 'The consent (ETag: its revision)', content: jsonContent(Consent) }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const row = await findCitizenConsent(deps.db, c.get('citizen').citizenId, c.req.valid('param').id);
      if (!row) throw new NotFoundError('consent');
      c.header('ETag', etag(row.revision));
      return c.json(consentView(row, deps.clock.now()), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/consents/{id}/revisions',
      tags,
      security,
      summary: 'The full revision history of one of my consents',
      request: { params: ConsentIdParam },
      responses: {
        200: { description: 'Every revision, oldest first', content: jsonContent(z.object({ items: z.array(Revision) }).openapi('RevisionList')) },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      if (!(await findCitizenConsent(deps.db, c.get('citizen').citizenId, id))) throw new NotFoundError('consent');
      return c.json({ items: (await listRevisions(deps.db, id)).map(revisionView) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/consents/{id}/receipts',
      tags,
      security,
      summary: 'Every signed receipt of one of my consents',
      request: { params: ConsentIdParam },
      responses: {
        200: { description: 'Every receipt, oldest first', content: jsonContent(z.object({ items: z.array(Receipt) }).openapi('ReceiptList')) },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      if (!(await findCitizenConsent(deps.db, c.get('citizen').citizenId, id))) throw new NotFoundError('consent');
      return c.json({ items: (await listReceipts(deps.db, id)).map(receiptView) }, 200);
    },
  );

  const transition = async (c: Context<AppEnv>, id: string, action: ConsentAction, ifMatch: string | undefined, extra: { narrow?: z.infer<typeof NarrowBody>; reason?: string | undefined }) => {
    const { citizenId } = c.get('citizen');
    const narrow = extra.narrow;
    const { consent, receipt } = await deps.db.transaction((tx) =>
      transitionConsent(tx, deps, {
        consentId: id,
        action,
        citizenId,
        actor: { type: 'citizen', id: citizenId },
        ifMatchRevision: ifMatch ? Number(ifMatch.slice(1, -1)) : undefined,
        narrow: narrow && {
          purposes: narrow.purposes,
          dataCategories: narrow.dataCategories,
          processing: narrow.processing,
          validUntil: narrow.validUntil ? new Date(narrow.validUntil) : undefined,
        },
        reason: extra.reason,
        requestId: c.get('requestId'),
      }),
    );
    c.header('ETag', etag(consent.revision));
    return c.json({ consent: consentView(consent, deps.clock.now()), receipt: receiptView(receipt) }, 200);
  };

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/me/consents/{id}/narrow',
      tags,
      security,
      summary: 'Narrow a consent (remove purposes or categories, shorten validity): a new revision',
      request: { params: ConsentIdParam, headers: IfMatchHeader, body: { content: jsonContent(NarrowBody), required: true } },
      responses: { 200: { description: 'Narrowed', content: jsonContent(ConsentWithReceipt) }, ...problemResponses(400, 401, 404, 409, 412) },
    }),
    (c) => transition(c, c.req.valid('param').id, 'narrow', c.req.valid('header')['if-match'], { narrow: c.req.valid('json') }),
  );

  const simple: { action: ConsentAction; path: string; summary: string }[] = [
    { action: 'pause', path: 'pause', summary: 'Pause a consent: checks deny until it is resumed' },
    { action: 'resume', path: 'resume', summary: 'Resume a paused consent' },
    { action: 'withdraw', path: 'withdraw', summary: 'Withdraw a consent (GDPR Art. 7(3)): one action, effective immediately, final' },
  ];
  for (const s of simple) {
    r.openapi(
      createRoute({
        method: 'post',
        path: `/v1/me/consents/{id}/${s.path}`,
        tags,
        security,
        summary: s.summary,
        request: { params: ConsentIdParam, headers: IfMatchHeader, body: { content: jsonContent(ReasonBody), required: false } },
        responses: { 200: { description: 'Done', content: jsonContent(ConsentWithReceipt) }, ...problemResponses(400, 401, 404, 409, 412) },
      }),
      (c) => {
        const reason = c.req.valid('json').reason;
        return transition(c, c.req.valid('param').id, s.action, c.req.valid('header')['if-match'], { reason });
      },
    );
  }
  return r;
}
