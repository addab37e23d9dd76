import { createRoute } from '@hono/zod-openapi';
import { enrolUrl } from '../../domain/roles.js';
import { createInvitation } from '../../roles/create-invitation.js';
import { revokeInvitation } from '../../roles/revoke-invitation.js';
import { listInvitations } from '../../storage/invitations-repo.js';
import { grantRole } from '../../roles/grant-role.js';
import { revokeRole } from '../../roles/revoke-role.js';
import { listRoleHolders } from '../../storage/roles-repo.js';
import { adminContext } from '../admin-context.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import {
  InvitationCreate,
  InvitationList,
  InvitationListQuery,
  InvitationParams,
  InvitationSchema,
  NewInvitation,
  RoleHolderList,
  RoleHolderSchema,
  RoleListQuery,
  RoleParams,
} from '../schemas/admin.js';
import { decodeCursor, encodeCursor } from '../../domain/cursor.js';
import { invitationView, roleHolderView } from '../views/admin-view.js';


/**
 * Role assignment for admins: list accounts with roles, grant and revoke a role
 * (never the last admin's: `last_admin`), and invitations with one-time enrolment codes.
 * Each change is an audit event naming the admin.
 */
export function adminRoleRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['admin'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, 'admin')] };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/roles',
      summary: 'List the accounts that hold a role, with their roles',
      request: { query: RoleListQuery },
      responses: { 200: { description: 'A page of accounts, in id order', content: json(RoleHolderList) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listRoleHolders(deps.db, { limit: q.limit, after: decodeCursor(q.cursor), role: q.role });
      const last = page.items[page.items.length - 1];
      return c.json({ items: page.items.map(roleHolderView), nextCursor: page.hasMore && last ? encodeCursor(last.citizenId) : null }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/admin/roles/{citizenId}/{role}',
      summary: 'Grant a role to an account',
      description: 'Takes effect on the account’s next request. Granting a role the account holds changes nothing (200).',
      request: { params: RoleParams },
      responses: {
        200: { description: 'The account already held the role', content: json(RoleHolderSchema) },
        201: { description: 'Granted', content: json(RoleHolderSchema) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { citizenId, role } = c.req.valid('param');
      const { holder, created } = await grantRole(deps.db, citizenId, role, adminContext(deps, c));
      return c.json(roleHolderView(holder), created ? 201 : 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/admin/roles/{citizenId}/{role}',
      summary: 'Revoke a role from an account',
      description: 'Takes effect on the account’s next request. The last admin cannot lose the admin role (409 `last_admin`).',
      request: { params: RoleParams },
      responses: { 204: { description: 'Revoked' }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { citizenId, role } = c.req.valid('param');
      await revokeRole(deps.db, citizenId, role, adminContext(deps, c));
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/invitations',
      summary: 'Invite someone to take a role: a one-time enrolment code',
      description:
        'The code is random (160 bits), shown only in this answer, stored only as its SHA-256 hash, valid for 24 hours and ' +
        'redeemable once, by a signed-in account, with `POST /v1/auth/enrol`.',
      request: { body: { required: true, content: json(InvitationCreate) } },
      responses: { 201: { description: 'The invitation and its code', content: json(NewInvitation) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { invitation, code } = await createInvitation(deps.db, c.req.valid('json').role, adminContext(deps, c));
      c.header('Cache-Control', 'no-store');
      return c.json({ ...invitationView(invitation), code, enrolUrl: enrolUrl(deps.config.publicUrl, code) }, 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/invitations',
      summary: 'List invitations, newest first',
      request: { query: InvitationListQuery },
      responses: { 200: { description: 'A page of invitations', content: json(InvitationList) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = await listInvitations(deps.db, { now: deps.clock.now(), limit: q.limit, before: decodeCursor(q.cursor), status: q.status });
      const last = page.items[page.items.length - 1];
      return c.json({ items: page.items.map(invitationView), nextCursor: page.hasMore && last ? encodeCursor(last.id) : null }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/admin/invitations/{id}',
      summary: 'Revoke an invitation so its code can no longer be redeemed',
      description: 'A redeemed invitation cannot be revoked (409 `conflict`): revoke the role instead.',
      request: { params: InvitationParams },
      responses: { 200: { description: 'The revoked invitation', content: json(InvitationSchema) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const invitation = await revokeInvitation(deps.db, c.req.valid('param').id, adminContext(deps, c));
      return c.json(invitationView(invitation), 200);
    },
  );

  return r;
}
