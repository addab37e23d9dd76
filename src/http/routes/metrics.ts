import type { AppDeps } from '../../core/deps.js';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors.js';
import { collectStatusMetrics } from '../../metrics/collect-status.js';
import { newRouter } from '../router.js';

/** Compares two strings in time independent of where they differ (the token is a secret). */
function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * `GET /metrics`: the Prometheus text exposition format, for a scraper holding METRICS_TOKEN
 * (RFC 6750 bearer token). Without a token configured, or without metrics, it is a 404: the
 * endpoint does not exist. Not in the OpenAPI document: it is for operators, not integrators.
 */
export function metricsRoutes(deps: AppDeps) {
  const r = newRouter();
  r.get('/metrics', async (c) => {
    const token = deps.config.metricsToken;
    if (!token || !deps.metrics || !deps.metricsExposition) throw new NotFoundError('route');
    const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!given || !sameSecret(given, token)) {
      c.header('WWW-Authenticate', 'Bearer realm="permis-metrics"'); // RFC 6750 §3
      throw new UnauthenticatedError('Send the metrics token as `Authorization: Bearer <METRICS_TOKEN>`.');
    }
    await collectStatusMetrics(deps);
    return c.body(await deps.metricsExposition.render(), 200, { 'Content-Type': deps.metricsExposition.contentType, 'Cache-Control': 'no-store' });
  });
  return r;
}
