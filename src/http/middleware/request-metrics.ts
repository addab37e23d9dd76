import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { instrumentsOf } from '../../core/metric-catalogue.js';
import { childCache3, type Metrics } from '../../core/metrics.js';

/**
 * Records every request's duration in `http_server_request_duration_seconds` by route pattern
 * (the route as registered, e.g. `/v1/me/consents/:id`, never the raw path: bounded labels),
 * method and status. The children are cached, so a request builds no label objects.
 */
export function requestMetrics(metrics: Metrics): MiddlewareHandler {
  const child = childCache3(instrumentsOf(metrics).httpDuration);
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // The handler that answered (its index is the last one dispatched); `*` alone means no route matched.
      const route = routePath(c, c.req.routeIndex) || 'unmatched';
      child(route === '*' ? 'unmatched' : route, c.req.method, c.res.status).observe((performance.now() - started) / 1000);
    }
  };
}
