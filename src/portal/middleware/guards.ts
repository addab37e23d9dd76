import type { MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../../domain/errors.js';
import type { Role } from '../../domain/roles.js';
import type { AppDeps } from '../../core/deps.js';
import { sameToken } from '../csrf.js';
import { sameOriginRequest } from '../../web/fetch-metadata.js';
import { CsrfError, SignInRequired } from '../errors.js';
import type { PortalEnv } from '../portal-env.js';
import { isEmailLinkPath } from '../paths.js';

/** The form field carrying the CSRF token. */
export const CSRF_FIELD = '_csrf';

/** Pages for signed-in citizens: anyone else is sent to sign in and brought back. */
export function requireViewer(): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    if (!c.get('viewer')) {
      const url = new URL(c.req.url);
      throw new SignInRequired(c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/');
    }
    await next();
  };
}

/**
 * Pages for holders of `role` (officer console, admin pages); run after requireViewer().
 * Roles are read on every request (portal-context), so a revocation applies at once.
 */
export function requireViewerRole(role: Role): MiddlewareHandler<PortalEnv> {
  return async (c, next) => {
    const viewer = c.get('viewer');
    if (!viewer) throw new SignInRequired('/');
    if (!viewer.roles.includes(role)) throw new ForbiddenError(`This needs the ${role} role.`);
    await next();
  };
}

/**
 * CSRF protection for every state-changing portal request (see csrf.ts): same-origin fetch
 * metadata and Origin, a live session, and the session's token in the `_csrf` form field.
 */
export function portalCsrf(deps: AppDeps): MiddlewareHandler<PortalEnv> {
  const origin = new URL(deps.config.publicUrl).origin;
  return async (c, next) => {
    const m = c.req.method;
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return next();
    // The signed token in the path is the authorisation (src/crypto/link-token.ts).
    if (isEmailLinkPath(c.req.path)) return next();
    const ok = sameOriginRequest({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') }, origin);
    if (!ok) throw new CsrfError();
    const viewer = c.get('viewer');
    if (!viewer) throw new SignInRequired('/');
    const type = c.req.header('content-type') ?? '';
    if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) throw new CsrfError();
    const body = await c.req.parseBody();
    const sent = body[CSRF_FIELD];
    if (typeof sent !== 'string' || !sameToken(sent, viewer.csrf)) throw new CsrfError();
    await next();
  };
}
