import { createRoute } from '@hono/zod-openapi';
import { createTerm } from '../../catalogue/create-term.js';
import { deleteTerm } from '../../catalogue/delete-term.js';
import { updateTerm } from '../../catalogue/update-term.js';
import { adminContext, namingFields } from '../admin-context.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import { AdminCatalogueTerm, AdminTermCreate, AdminTermUpdate, TermParams } from '../schemas/admin.js';
import { adminTermView } from '../views/admin-view.js';


/**
 * The catalogue for admins: add terms, change their texts and attributes, and
 * delete a term nothing refers to (`term_in_use` otherwise). Reading stays on the public
 * `/v1/catalogue`. Each change is an audit event naming the admin.
 */
export function adminCatalogueRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['admin'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, 'admin')] };

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/catalogue',
      summary: 'Add a purpose, data category or processing operation to the catalogue',
      request: { body: { required: true, content: json(AdminTermCreate) } },
      responses: { 201: { description: 'The new term', content: json(AdminCatalogueTerm) }, ...problemResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const term = await namingFields('body', () => createTerm(deps.db, body, adminContext(deps, c)));
      c.header('Location', `/v1/catalogue/${term.kind}/${term.code}`);
      return c.json(adminTermView(term), 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/admin/catalogue/{kind}/{code}',
      summary: "Change a term's labels, descriptions, DPV term, sensitivity or validity cap",
      description: 'Kind and code never change. Existing consents keep the terms they were given under.',
      request: { params: TermParams, body: { required: true, content: json(AdminTermUpdate) } },
      responses: { 200: { description: 'The term after the change', content: json(AdminCatalogueTerm) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { kind, code } = c.req.valid('param');
      const body = c.req.valid('json');
      const term = await namingFields('body', () => updateTerm(deps.db, kind, code, body, adminContext(deps, c)));
      return c.json(adminTermView(term), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/admin/catalogue/{kind}/{code}',
      summary: 'Delete a term that no service, consent request or consent refers to',
      description: 'A term in use is never deleted: 409 `term_in_use`, with the number of services, consent requests and consents using it.',
      request: { params: TermParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { kind, code } = c.req.valid('param');
      await deleteTerm(deps.db, kind, code, adminContext(deps, c));
      return c.body(null, 204);
    },
  );

  return r;
}
