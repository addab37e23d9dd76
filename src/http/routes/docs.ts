import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../../core/deps.js';
import { NotFoundError } from '../../domain/errors.js';
import { DOCS_ASSET_PREFIX } from '../docs-page.js';
import type { AppEnv } from '../env.js';
import { newRouter } from '../router.js';
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
  // Without the reference's files (a runtime that did not hand them in), /docs does not exist.
  const unavailable = () => new NotFoundError('API reference (this server was built without it; /openapi.json has the document)');
  r.get('/docs', async (c) => {
    if (!deps.docs) throw unavailable();
    return c.html((await deps.docs).html);
  });
  r.get(`${DOCS_ASSET_PREFIX}:file`, async (c) => {
    const asset = deps.docs ? (await deps.docs).assets.get(c.req.param('file')) : undefined;
    if (!asset) throw new NotFoundError('file');
    // The name carries the content's hash: it never changes (RFC 9111 §5.2.2.2, RFC 8246).
    return c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'public, max-age=31536000, immutable' });
  });
  return r;
}
