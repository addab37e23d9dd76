import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { PermisError, UnavailableError, ValidationError } from '../domain/errors.js';
import { DbError } from '../storage/db.js';
import type { AppDeps, AppEnv } from './deps.js';
import { isPortalPath } from '../portal/paths.js';
import { portalNotFound, portalRoutes } from '../portal/portal.js';
import type { PortalEnv } from '../portal/portal-env.js';
import { jsonOnly } from './middleware/json-only.js';
import { fieldErrors, problemResponse } from './problem.js';
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
import { serviceRequestRoutes } from './routes/service-requests.js';
import { serviceConsentRoutes } from './routes/service-consents.js';
import { checkRoutes } from './routes/check.js';
import { oauthTokenRoutes } from './routes/oauth-token.js';
import { serviceRoutes } from './routes/services.js';
import { serviceEventRoutes } from './routes/service-events.js';
import { serviceWebhookRoutes } from './routes/service-webhook.js';
import { adminMailRoutes } from './routes/admin-mail.js';
import { meNotificationRoutes } from './routes/me-notifications.js';
import { renewalRoutes } from './routes/renewal.js';

/** A fresh OpenAPIHono whose validation failures become `validation_failed` problems. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const part = result.target === 'json' ? 'body' : result.target;
        const errors = fieldErrors(part, result.error.issues);
        throw new ValidationError(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
      }
    },
  });
}

/**
 * Builds the whole HTTP app from its dependencies. Nothing is looked up: database, keys,
 * clock, randomness and configuration all come in through `deps`.
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = newRouter();
  const log = deps.log ?? (() => {});

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
        problemResponse(c, new PermisError('method_not_allowed', 405, 'Method not allowed', `Allowed: ${methods.join(', ')}.`), {
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
    // The reference page at /docs loads its viewer from the Scalar CDN.
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'", 'https://cdn.jsdelivr.net'],
      styleSrc: ["'self'", "'unsafe-inline'", 'https://cdn.jsdelivr.net', 'https://fonts.scalar.com'],
      fontSrc: ["'self'", 'data:', 'https://fonts.scalar.com', 'https://cdn.jsdelivr.net'],
      imgSrc: ["'self'", 'data:', 'https:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
    crossOriginEmbedderPolicy: false,
  });
  const pageHeaders = secureHeaders({
    // Portal pages: our own stylesheet and script only, nothing inline, no framing, forms
    // post only to us (CSP Level 3 §6.1.3, §6.3.2.5 form-action, §6.4.2 frame-ancestors).
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    strictTransportSecurity: 'max-age=63072000; includeSubDomains',
    crossOriginResourcePolicy: 'same-origin',
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
  });
  app.use('*', (c, next) => (c.req.path === '/docs' ? docsHeaders(c, next) : isPortalPath(c.req.path) ? pageHeaders(c, next) : apiHeaders(c, next)));
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.config.bodyLimitBytes,
      onError: () => {
        throw new PermisError('payload_too_large', 413, 'Payload too large', `Bodies are limited to ${deps.config.bodyLimitBytes} bytes.`);
      },
    }),
  );
  app.use('*', jsonOnly());

  app.route('/', healthRoutes(deps));
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
  app.route('/', adminRoutes(deps));
  app.route('/', serviceWebhookRoutes(deps));
  app.route('/', serviceEventRoutes(deps));
  app.route('/', logRoutes(deps));
  app.route('/', meAccessLogRoutes(deps));
  app.route('/', meExportRoutes(deps));
  app.route('/', meEraseRoutes(deps));
  app.route('/', officerRoutes(deps));
  app.route('/', meNotificationRoutes(deps));
  app.route('/', renewalRoutes(deps));
  app.route('/', adminMailRoutes(deps));
  app.route('/', docsRoutes(deps, app));
  app.route('/', portalRoutes(deps) as never);

  app.notFound((c) =>
    isPortalPath(c.req.path)
      ? portalNotFound(c as never as Context<PortalEnv>)
      : problemResponse(c, new PermisError('not_found', 404, 'Not found', 'No such route.')),
  );

  // One place maps known errors to problems; everything else is an opaque 500.
  app.onError((err, c) => {
    if (err instanceof PermisError) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 400 && /malformed json/i.test(err.message)) {
        return problemResponse(c, new PermisError('malformed_json', 400, 'Malformed JSON', 'The request body is not valid JSON.'));
      }
      if (err.status < 500) {
        return problemResponse(c, new PermisError('validation_failed', err.status, 'Bad request', 'The request could not be understood.'));
      }
    }
    if (err instanceof DbError && err.isConnection) {
      log('warn', 'database unavailable', { requestId: c.get('requestId'), message: err.message });
      return problemResponse(c, new UnavailableError(), { 'Retry-After': '5' });
    }
    log('error', 'unhandled error', {
      requestId: c.get('requestId'),
      name: err instanceof Error ? err.name : typeof err,
      message: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return problemResponse(c, new PermisError('internal_error', 500, 'Internal error', 'Something went wrong on our side.'));
  });

  return app;
}
