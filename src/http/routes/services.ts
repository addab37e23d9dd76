import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { serviceStatuses, type Service } from '../../domain/service.js';
import { getService, listServices } from '../../storage/services-repo.js';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { problemResponses } from '../problem.js';

const Localised = z
  .object({ ca: z.string(), es: z.string(), en: z.string() })
  .strict()
  .openapi('LocalisedText', { description: 'A text in Catalan, Spanish and English.' });

const Controller = z
  .object({
    name: z.string().openapi({ description: 'The legal entity responsible (data controller).', example: 'Ajuntament de Barcelona' }),
    dpoContact: z.string().openapi({ description: "The data protection officer's e-mail address or https URL." }),
    policyUrl: z.string().openapi({ description: 'The https URL of the privacy policy.' }),
  })
  .strict()
  .openapi('Controller');

const ServiceJwk = z
  .object({
    kty: z.enum(['OKP', 'EC', 'RSA']),
    kid: z.string(),
    use: z.literal('sig').optional(),
    alg: z.string().optional(),
    key_ops: z.array(z.string()).optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
  })
  .strict()
  .openapi('ServiceJwk', { description: 'A public key of the service (RFC 7517); private members are never accepted.' });

const ServiceJwkSet = z
  .object({ keys: z.array(ServiceJwk) })
  .strict()
  .openapi('ServiceJwkSet', {
    description: "RFC 7517 §5 JWK Set: the public keys the service signs its client assertions with (RFC 7523 `private_key_jwt`).",
  });

const ServiceSchema = z
  .object({
    id: z.uuid(),
    clientId: z.string().openapi({ example: 'ajuts-energia' }),
    name: Localised,
    description: Localised,
    controller: Controller,
    purposes: z.array(z.string()).openapi({ description: 'Catalogue purpose codes the service may ask for.' }),
    categories: z.array(z.string()).openapi({ description: 'Catalogue data-category codes the service may ask for.' }),
    processing: z.array(z.string()).openapi({ description: 'Catalogue processing-operation codes the service may ask for.' }),
    jwks: ServiceJwkSet,
    status: z.enum(serviceStatuses),
  })
  .strict()
  .openapi('Service');

const ServiceList = z
  .object({
    items: z.array(ServiceSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` to get the next page; null on the last page.' }),
  })
  .strict()
  .openapi('ServiceList');

const ListQuery = z
  .object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(20)
      .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size, 1 to 100 (default 20).' }),
    cursor: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ param: { name: 'cursor', in: 'query' }, description: '`nextCursor` of the previous page.' }),
  })
  .strict();

const IdParams = z
  .object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, description: 'The service id (UUID).' }) })
  .strict();

/** The public JSON of a service (no timestamps or internal fields). */
export const serviceJson = (s: Service): z.infer<typeof ServiceSchema> => ({
  id: s.id,
  clientId: s.clientId,
  name: s.name,
  description: s.description,
  controller: s.controller,
  purposes: s.purposes,
  categories: s.categories,
  processing: s.processing,
  jwks: s.jwks,
  status: s.status,
});

/** `GET /v1/services` (active services, cursor-paginated) and `GET /v1/services/{id}`: the public registry. */
export function serviceRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/services',
      tags: ['services'],
      summary: 'List the active city services',
      description: 'Public, read-only. Suspended services are not listed. Ordered by registration.',
      request: { query: ListQuery },
      responses: {
        200: { description: 'A page of services', content: { 'application/json': { schema: ServiceList } } },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = await listServices(deps.db, { limit, cursor, status: 'active' }).catch((err: unknown) => {
        // The only validation the repository does is of the cursor; name it as the request part.
        if (err instanceof ValidationError) {
          const message = 'not a cursor returned by this list';
          throw new ValidationError(`query.cursor: ${message}`, [{ field: 'query.cursor', message }]);
        }
        throw err;
      });
      return c.json({ items: page.items.map(serviceJson), nextCursor: page.nextCursor }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/services/{id}',
      tags: ['services'],
      summary: 'One city service, with its controller, what it may ask for and its public keys',
      request: { params: IdParams },
      responses: {
        200: { description: 'The service (also when suspended; see `status`)', content: { 'application/json': { schema: ServiceSchema } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const service = await getService(deps.db, c.req.valid('param').id);
      if (!service) throw new NotFoundError('service');
      return c.json(serviceJson(service), 200);
    },
  );

  return r;
}

