import { createRoute } from '@hono/zod-openapi';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { registryContext } from '../../services/registry-context.js';
import { findService, listServices } from '../../storage/services-repo.js';
import { createService } from '../../services/create-service.js';
import { setServiceJwks } from '../../services/set-service-jwks.js';
import { setServiceStatus } from '../../services/set-service-status.js';
import { updateService } from '../../services/update-service.js';
import { adminContext, namingFields } from '../admin-context.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import {
  AdminJwkSetInput,
  AdminService,
  AdminServiceCreate,
  AdminServiceList,
  AdminServiceListQuery,
  AdminServiceUpdate,
  AdminStatusChange,
  ServiceRefParams,
} from '../schemas/admin.js';
import { adminServiceView } from '../views/admin-view.js';


/**
 * The service registry for admins: list (suspended too), read, register,
 * update, suspend, activate and replace the keys. Each change is an audit event naming the
 * admin (actor_type `admin`, actor_id their citizen id).
 */
export function adminServiceRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = {
    tags: ['admin'],
    security: [{ session: [] }],
    middleware: [citizenAuth(deps), requireRole(deps, 'admin')],
  };

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/services',
      summary: 'List every registered service, suspended ones included',
      request: { query: AdminServiceListQuery },
      responses: { 200: { description: 'A page of services, in registration order', content: json(AdminServiceList) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const page = await namingFields('query', () => listServices(deps.db, { limit, cursor, status }));
      return c.json({ items: page.items.map(adminServiceView), nextCursor: page.nextCursor }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/admin/services',
      summary: 'Register a service',
      description: 'Same rules as `permis services add`. A taken clientId is a 409 `conflict`; codes outside the catalogue are `term_unknown`.',
      request: { body: { required: true, content: json(AdminServiceCreate) } },
      responses: { 201: { description: 'The registered service', content: json(AdminService) }, ...problemResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const service = await namingFields('body', () => createService(deps.db, body, registryContext(adminContext(deps, c))));
      c.header('Location', `/v1/admin/services/${service.id}`);
      return c.json(adminServiceView(service), 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/admin/services/{id}',
      summary: 'Read one service',
      request: { params: ServiceRefParams },
      responses: { 200: { description: 'The service', content: json(AdminService) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const service = await findService(deps.db, c.req.valid('param').id);
      if (!service) throw new NotFoundError('service');
      return c.json(adminServiceView(service), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/admin/services/{id}',
      summary: "Change a service's name, description, controller or allowed purposes, categories and processing",
      request: { params: ServiceRefParams, body: { required: true, content: json(AdminServiceUpdate) } },
      responses: { 200: { description: 'The service after the change', content: json(AdminService) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const service = await namingFields('body', () => updateService(deps.db, c.req.valid('param').id, body, registryContext(adminContext(deps, c))));
      return c.json(adminServiceView(service), 200);
    },
  );

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['activate', 'active'],
  ] as const) {
    r.openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `/v1/admin/services/{id}/${action}`,
        summary: action === 'suspend' ? 'Suspend a service: it can no longer ask for or check consents' : 'Activate a suspended service again',
        description: 'Setting the status the service already has changes nothing.',
        request: { params: ServiceRefParams, body: { required: false, content: json(AdminStatusChange) } },
        responses: { 200: { description: 'The service', content: json(AdminService) }, ...problemResponses(400, 401, 403, 404) },
      }),
      async (c) => {
        const reason = (c.req.valid('json') as { reason?: string } | undefined)?.reason;
        const ctx = adminContext(deps, c);
        const { service } = await setServiceStatus(deps.db, c.req.valid('param').id, status, registryContext(ctx), reason);
        return c.json(adminServiceView(service), 200);
      },
    );
  }

  r.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/admin/services/{id}/jwks',
      summary: "Replace the service's public keys (key rotation)",
      description:
        'Rotate by publishing the new key next to the old one, letting the service switch, then publishing the new key alone. ' +
        'An empty set leaves the service unable to obtain tokens.',
      request: { params: ServiceRefParams, body: { required: true, content: json(AdminJwkSetInput) } },
      responses: { 200: { description: 'The service with its new keys', content: json(AdminService) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const service = await namingFields('body', () =>
        setServiceJwks(deps.db, c.req.valid('param').id, body, registryContext(adminContext(deps, c))).catch((err: unknown) => {
          // parsePublicJwks names the set `jwks`; here the body is the set itself.
          if (err instanceof ValidationError) {
            const errors = err.errors.map((e) => ({ field: e.field.replace(/^jwks\.?/, '') || '(root)', message: e.message }));
            throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
          }
          throw err;
        }),
      );
      return c.json(adminServiceView(service), 200);
    },
  );

  return r;
}
