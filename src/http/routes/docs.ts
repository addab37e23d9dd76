import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import type { Context } from 'hono';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import type { AppEnv } from '../env.js';
import { openApiDocument } from '../openapi-document.js';

/** `/openapi.json` (the generated OpenAPI 3.1 document) and `/docs` (a browsable reference). */
export function docsRoutes(deps: AppDeps, app: OpenAPIHono<AppEnv>) {
  const r = newRouter();
  let cached: unknown;
  r.get('/openapi.json', (c) => {
    cached ??= openApiDocument(app, deps.config.publicUrl);
    return c.json(cached);
  });
  const reference = Scalar({ url: '/openapi.json', pageTitle: 'Permís API' });
  r.get('/docs', (c, next) => reference(c as unknown as Context, next));
  return r;
}
