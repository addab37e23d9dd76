import { createRoute } from '@hono/zod-openapi';
import { redeemInvitation } from '../../roles/redeem-invitation.js';
import { listCitizenRoles } from '../../storage/roles-repo.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { EnrolRequest, EnrolResult, MyRoles } from '../schemas/admin.js';
import { roleGrantView } from '../views/admin-view.js';


/**
 * `POST /v1/auth/enrol` (a signed-in citizen redeems a one-time enrolment code and takes its
 * role) and `GET /v1/me/roles` (the roles the signed-in account holds, read fresh).
 */
export function myRoleRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/roles',
      tags: ['me'],
      summary: 'The roles my account holds (admin, officer); empty for most citizens',
      security: [{ session: [] }],
      middleware: citizenAuth(deps),
      responses: { 200: { description: 'My roles', content: json(MyRoles) }, ...problemResponses(401) },
    }),
    async (c) => {
      const held = await listCitizenRoles(deps.db, c.get('citizen').citizenId);
      return c.json({ roles: held.map((g) => g.role), grants: held.map(roleGrantView) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/v1/auth/enrol',
      tags: ['auth'],
      summary: 'Redeem an enrolment code: the signed-in account takes the role it grants',
      description:
        'Single use, even when redeemed twice at once. An unknown, expired, revoked or used code is 400 `enrolment_code_invalid`; ' +
        'a role the account already holds is 409 `conflict` and leaves the code unused.',
      security: [{ session: [] }],
      middleware: citizenAuth(deps),
      request: { body: { required: true, content: json(EnrolRequest) } },
      responses: { 200: { description: 'The role taken and every role now held', content: json(EnrolResult) }, ...problemResponses(400, 401, 409) },
    }),
    async (c) => {
      const { role, roles } = await redeemInvitation(deps.db, c.req.valid('json').code, c.get('citizen').citizenId, {
        clock: deps.clock,
        random: deps.random,
        requestId: c.get('requestId'),
      });
      return c.json({ role, roles: roles.map(roleGrantView) }, 200);
    },
  );

  return r;
}
