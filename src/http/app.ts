import type { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { isProblemCode, PermisError, type ProblemCode, UnavailableError } from '../domain/errors.js';
import type { AppDeps } from '../core/deps.js';
import type { AppEnv } from './env.js';
import { bodyLimit } from '../web/body-limit.js';
import { jsonOnly } from './middleware/json-only.js';
import { strictJson } from './middleware/strict-json.js';
import { fetchMetadataGuard } from '../web/fetch-metadata.js';
import { SESSION_COOKIE } from '../web/session-cookie.js';
import { getCookie } from 'hono/cookie';
import { requestMetrics } from './middleware/request-metrics.js';
import { metricsRoutes } from './routes/metrics.js';
import { problemResponse } from './problem.js';
import { newRouter } from './router.js';
import { adminRoutes } from './routes/admin.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { citizenAccountRoutes } from './routes/citizen-account.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { jwksRoutes } from './routes/jwks.js';
import { logRoutes } from './routes/log.js';
import { meAccessLogRoutes } from './routes/me-access-log.js';
import { meEraseRoutes } from './routes/me-erase.js';
import { meExportRoutes } from './routes/me-export.js';
import { meConsentRoutes } from './routes/me-consents.js';
import { meRequestRoutes } from './routes/me-requests.js';
import { officerRoutes } from './routes/officer.js';
import { officerOpenDataRoutes } from './routes/officer-open-data.js';
import { openDataRoutes } from './routes/open-data.js';
import { serviceRequestRoutes } from './routes/service-requests.js';
import { serviceConsentRoutes } from './routes/service-consents.js';
import { checkRoutes } from './routes/check.js';
import { oauthTokenRoutes } from './routes/oauth-token.js';
import { oauthMetadataRoutes } from './routes/oauth-metadata.js';
import { serviceRoutes } from './routes/services.js';
import { serviceEventRoutes } from './routes/service-events.js';
import { serviceWebhookRoutes } from './routes/service-webhook.js';
import { adminMailRoutes } from './routes/admin-mail.js';
import { meNotificationRoutes } from './routes/me-notifications.js';
import { renewalRoutes } from './routes/renewal.js';
import { meRepresentationRoutes } from './routes/me-representations.js';
import { officerRepresentationRoutes } from './routes/officer-representations.js';

/**
 * True when `err` comes from the client going away: reading its body failed with Node's
 * "aborted" (ECONNRESET) or a premature close, or the request's signal (which the Node server
 * aborts when the connection closes early) aborted what was waiting on it.
 */
function clientClosed(req: Request, err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if ((code === 'ECONNRESET' && e.message === 'aborted') || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
    // Our own failures after the client left are still errors: only the abort itself is not.
    if (req.signal.aborted && e.name === 'AbortError') return true;
  }
  return false;
}

const PUBLIC_READS = ['/v1/log/', '/v1/catalogue', '/.well-known/', '/openapi.json'];
const isPublicRead = (path: string) => PUBLIC_READS.some((p) => path === p || path.startsWith(p));

/**
 * Builds the API (`/v1/…`, `/.well-known/…`, health, `/openapi.json`, `/docs`) from its
 * dependencies. Nothing is looked up: database, keys, clock, randomness and configuration
 * all come in through `deps`. The composition root (`src/entry/app.ts`) mounts it beside
 * the portal.
 */
export function createApi(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = newRouter();
  const log = deps.log ?? (() => {});

  // First, so that a request's duration includes every middleware; absent metrics, no cost at all.
  if (deps.metrics) app.use('*', requestMetrics(deps.metrics));
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use(
    '*',
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(c, new PermisError('method_not_allowed', `Allowed: ${methods.join(', ')}.`), {
          Allow: methods.join(', '),
        }),
    }),
  );
  const apiHeaders = secureHeaders({
    // The API serves JSON: nothing may load, nothing may frame it.
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    crossOriginResourcePolicy: 'same-site',
  });
  const docsHeaders = secureHeaders({
    // The reference at /docs: its script and styles come from this server only (docs-page.ts);
    // Swagger UI sets element styles through the CSSOM, which style-src does not govern.
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    crossOriginResourcePolicy: 'same-origin',
    referrerPolicy: 'same-origin',
  });
  app.use('*', (c, next) => (c.req.path === '/docs' || c.req.path.startsWith('/docs/') ? docsHeaders(c, next) : apiHeaders(c, next)));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new PermisError('payload_too_large', `Bodies are limited to ${deps.config.bodyLimitBytes} bytes.`);
      },
    }),
  );
  // CORS (Fetch standard §3.2): the public, credential-free reads — the log, signing keys,
  // server metadata, catalogue and contract — may be read by any origin without credentials,
  // so auditors and open-data tools can use them from a browser. Nothing else answers a
  // cross-origin caller: no Access-Control-Allow-* headers, so a browser keeps every other
  // answer (and every preflighted write) from other sites' scripts.
  const publicRead = cors({ origin: '*', allowMethods: ['GET', 'HEAD'], exposeHeaders: ['ETag', 'Retry-After', 'X-Request-Id'], maxAge: 600 });
  app.use('*', (c, next) => (isPublicRead(c.req.path) ? publicRead(c, next) : next()));
  // Cross-site requests: a state change that rides on the session cookie (no Authorization
  // header), or that would set one (the sign-up and sign-in ceremonies), must come from our
  // own origin. Bearer-authenticated callers send their credential explicitly and are unaffected.
  app.use(
    '/v1/*',
    fetchMetadataGuard({
      publicOrigin: new URL(deps.config.publicUrl).origin,
      applies: (c) => c.req.header('authorization') === undefined && (getCookie(c, SESSION_COOKIE) !== undefined || c.req.path.startsWith('/v1/auth/')),
    }),
  );
  app.use('*', jsonOnly());
  app.use('*', strictJson());

  app.route('/', healthRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', jwksRoutes(deps));
  app.route('/', meConsentRoutes(deps));
  app.route('/', meRequestRoutes(deps));
  app.route('/', serviceRequestRoutes(deps));
  app.route('/', serviceConsentRoutes(deps));
  app.route('/', checkRoutes(deps));
  app.route('/', citizenAccountRoutes(deps));
  app.route('/', catalogueRoutes(deps));
  app.route('/', serviceRoutes(deps));
  app.route('/', oauthTokenRoutes(deps));
  app.route('/', oauthMetadataRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', serviceWebhookRoutes(deps));
  app.route('/', serviceEventRoutes(deps));
  app.route('/', logRoutes(deps));
  app.route('/', meAccessLogRoutes(deps));
  app.route('/', meExportRoutes(deps));
  app.route('/', meEraseRoutes(deps));
  app.route('/', officerRoutes(deps));
  app.route('/', officerOpenDataRoutes(deps));
  app.route('/', openDataRoutes(deps));
  app.route('/', officerRepresentationRoutes(deps));
  app.route('/', meRepresentationRoutes(deps));
  app.route('/', meNotificationRoutes(deps));
  app.route('/', renewalRoutes(deps));
  app.route('/', adminMailRoutes(deps));
  app.route('/', docsRoutes(deps, app));

  app.notFound((c) => problemResponse(c, new PermisError('not_found', 'No such route.')));

  // One place maps errors to problems (codes through problem-table.ts); everything else is an opaque 500.
  app.onError((err, c) => {
    if (err instanceof PermisError && isProblemCode(err.code)) return problemResponse(c, err as PermisError<ProblemCode>);
    if (err instanceof HTTPException && err.status < 500) {
      return /malformed json/i.test(err.message)
        ? problemResponse(c, new PermisError('malformed_json', 'The request body is not valid JSON.'))
        : problemResponse(c, new PermisError('validation_failed', 'The request could not be understood.'));
    }
    if (clientClosed(c.req.raw, err)) {
      // Nobody is left to read an answer; nothing went wrong on our side.
      log('info', 'client closed the request', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path });
      return new Response(null, { status: 499 });
    }
    if (err instanceof PermisError && err.code === 'database_unavailable') {
      log('warn', 'database unavailable', { requestId: c.get('requestId'), message: err.message });
      return problemResponse(c, new UnavailableError(), { 'Retry-After': '5' });
    }
    log('error', 'unhandled error', {
      requestId: c.get('requestId'),
      name: err instanceof Error ? err.name : typeof err,
      ...(err instanceof PermisError ? { code: err.code } : {}),
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return problemResponse(c, new PermisError('internal_error', 'Something went wrong on our side.'));
  });

  return app;
}
