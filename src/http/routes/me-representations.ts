import { createRoute } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AppDeps } from '../../core/deps.js';
import { authorizeAct } from '../../domain/representation.js';
import { acceptRepresentation, startAcceptance } from '../../representation/accept-representation.js';
import { authoriseRepresentative } from '../../representation/authorise-representative.js';
import { endByParty } from '../../representation/end-representation.js';
import { relationshipOf, representationView } from '../../representation/relationship.js';
import { citizenNames, listCitizenRepresentations, type RepresentationRow } from '../../storage/representations-repo.js';
import { json } from '../json-content.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { newRouter } from '../router.js';
import { ApproveBody } from '../schemas/request.js';
import { AcceptanceCeremony, AuthoriseBody, MyRepresentation, MyRepresentationList, RepresentationIdParam } from '../schemas/representation.js';

/**
 * A citizen's side of representation: the relationships in which they represent someone or are
 * represented, authorising another citizen (voluntary representation), accepting one with a
 * passkey, and ending one in a single step.
 */
export function meRepresentationRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['representation'], security: [{ session: [] }], middleware: citizenAuth(deps) };

  const mine = async (citizenId: string, rows: RepresentationRow[]) => {
    const names = await citizenNames(deps.db, rows.flatMap((x) => [x.representedId, x.representativeId]));
    const now = deps.clock.now();
    return rows.map((row) => {
      const role = row.representativeId === citizenId ? ('representative' as const) : ('represented' as const);
      const verdict = authorizeAct(relationshipOf(row, deps.config), { representativeId: row.representativeId, action: 'view', serviceId: null, at: now });
      return { ...representationView(row, names), role, inForce: verdict.allowed, deniedReason: verdict.allowed ? null : verdict.reason };
    });
  };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/me/representations',
      summary: 'The people I represent and those who represent me, with whether each relationship is in force now',
      responses: { 200: { description: 'Newest first', content: json(MyRepresentationList) }, ...problemResponses(401) },
    }),
    async (c) => {
      const me = c.get('citizen').citizenId;
      return c.json({ items: await mine(me, await listCitizenRepresentations(deps.db, me)) }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/representations',
      summary: 'Authorise another citizen to act for me (voluntary representation): scoped to services and actions, until a date',
      description: 'The relationship is `pending` until the representative accepts it with a passkey. At most five years (Ley 39/2015 Art. 6.6).',
      request: { body: { content: json(AuthoriseBody), required: true } },
      responses: { 201: { description: 'Authorised, waiting for acceptance', content: json(MyRepresentation) }, ...problemResponses(400, 401, 409) },
    }),
    async (c) => {
      const me = c.get('citizen').citizenId;
      const b = c.req.valid('json');
      const row = await deps.db.transaction((tx) =>
        authoriseRepresentative(tx, deps, me, { representativeId: b.representativeId, services: b.services, actions: b.actions, validUntil: new Date(b.validUntil) }, c.get('requestId')),
      );
      return c.json((await mine(me, [row]))[0]!, 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/representations/{id}/acceptance',
      summary: 'Start accepting a representation: passkey options whose challenge commits to its terms',
      request: { params: RepresentationIdParam },
      responses: { 200: { description: 'The terms-bound ceremony', content: json(AcceptanceCeremony) }, ...problemResponses(401, 404, 409) },
    }),
    async (c) => {
      const ceremony = await startAcceptance(deps, c.get('citizen').citizenId, c.req.valid('param').id);
      return c.json({ ...ceremony, options: ceremony.options as unknown as Record<string, unknown> }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/representations/{id}/accept',
      summary: 'Accept a representation with the passkey assertion over its terms',
      request: { params: RepresentationIdParam, body: { content: json(ApproveBody), required: true } },
      responses: { 200: { description: 'Accepted: the relationship is active', content: json(MyRepresentation) }, ...problemResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const me = c.get('citizen').citizenId;
      const b = c.req.valid('json');
      const row = await acceptRepresentation(deps, me, c.req.valid('param').id, { ceremonyId: b.ceremonyId, response: b.response as AuthenticationResponseJSON }, c.get('requestId'));
      return c.json((await mine(me, [row]))[0]!, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/me/representations/{id}/revoke',
      summary: 'End a voluntary representation at once: the represented person revokes, the representative declines or renounces',
      request: { params: RepresentationIdParam },
      responses: { 200: { description: 'Ended', content: json(MyRepresentation) }, ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const me = c.get('citizen').citizenId;
      const row = await deps.db.transaction((tx) => endByParty(tx, deps, me, c.req.valid('param').id, c.get('requestId')));
      return c.json((await mine(me, [row]))[0]!, 200);
    },
  );
  return r;
}
