import type { OpenAPIHono } from '@hono/zod-openapi';
import { PermisError } from '../../domain/errors.js';
import { newRouter } from '../app.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { DOCS_ASSET_PREFIX } from '../docs-page.js';
import { openApiDocument } from '../openapi-document.js';

/**
 * `/openapi.json` (the generated OpenAPI 3.1 document) and `/docs` (a browsable reference,
 * served with its assets from this server: see docs-page.ts).
 */
export function docsRoutes(deps: AppDeps, app: OpenAPIHono<AppEnv>) {
  const r = newRouter();
  let cached: unknown;
  r.get('/openapi.json', (c) => {
    cached ??= openApiDocument(app, deps.config.publicUrl);
    return c.json(cached);
  });
  const unavailable = () => new PermisError('not_found', 404, 'Not found', 'This server was built without the API reference; /openapi.json has the document.');
  r.get('/docs', async (c) => {
    if (!deps.docs) throw unavailable();
    return c.html((await deps.docs).html);
  });
  r.get(`${DOCS_ASSET_PREFIX}:file`, async (c) => {
    const asset = deps.docs ? (await deps.docs).assets.get(c.req.param('file')) : undefined;
    if (!asset) throw new PermisError('not_found', 404, 'Not found', 'No such file.');
    // The name carries the content's hash: it never changes (RFC 9111 §5.2.2.2, RFC 8246).
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
  return r;
}
