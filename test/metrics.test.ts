/**
 * `/metrics`: the Prometheus text exposition of prom-client (the Node entry's wiring), behind
 * the METRICS_TOKEN bearer token; a check shows up as its route's latency and as a decision by
 * service and reason; labels are route patterns, never raw paths; the log lag and webhook
 * backlog gauges are read at scrape time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentDb } from '../src/entry/instrumented-db.js';
import { type PrometheusMetrics, prometheusMetrics } from '../src/entry/prometheus.js';
import { createApp } from '../src/entry/app.js';
import { integrateLog } from '../src/log/integrate-log.js';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';
import { createServiceWithKey, getServiceToken, type TestService } from './support/service-client.js';

const TOKEN = 'metrics-token-0123456789abcdefghijklmnopqrstuv';
let t: TestContext;
let prom: PrometheusMetrics;
let app: ReturnType<typeof createApp>;
let svc: TestService;

beforeAll(async () => {
  t = await createTestContext();
  prom = prometheusMetrics();
  const deps = {
    ...t.deps,
    db: instrumentDb(t.db, prom.metrics, 10),
    config: { ...t.config, metricsToken: TOKEN },
    metrics: prom.metrics,
    metricsExposition: prom.exposition,
  };
  app = createApp(deps);
  svc = await createServiceWithKey(t);
});
afterAll(async () => {
  await t?.close();
});

const scrape = async (auth?: string) => app.request('/metrics', { headers: auth ? { authorization: auth } : {} });
/** The value of the sample whose name and labels are exactly `sample` (e.g. `x_total{a="b"}`). */
const valueOf = (text: string, sample: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
};

describe(`/metrics (${ENGINE})`, () => {
  it('has every series the Grafana dashboard in docs/ queries', async () => {
    const dashboard = readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();
    const names = new Set([...dashboard.matchAll(/\b((?:permis|http_server|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1]!));
    expect(names.size).toBeGreaterThan(8);
    for (const name of names) expect(text, name).toMatch(new RegExp(`^# TYPE ${name.replace(/_(bucket|sum|count)$/, '')} `, 'm'));
  });

  it('requires the bearer token', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape('Bearer wrong-token-wrong-token-wrong-token-00')).status).toBe(401);
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('does not exist without a token configured or without metrics', async () => {
    expect((await t.app.request('/metrics')).status).toBe(404);
    const noToken = createApp({ ...t.deps, metrics: prom.metrics, metricsExposition: prom.exposition });
    expect((await noToken.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('shows a check’s latency by route pattern and its decision by service and reason after one check', async () => {
    const token = await getServiceToken(app, svc);
    const res = await app.request('/v1/check', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subjectRef: 'nobody-here', purpose: 't-benefits', dataCategory: 't-income' }),
    });
    expect(res.status).toBe(200);
    await app.request(`/v1/me/consents/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}`);
    await app.request('/no/such/path/here');
    const text = await (await scrape(`Bearer ${TOKEN}`)).text();

    const check = 'http_server_request_duration_seconds_count{http_route="/v1/check",http_request_method="POST",http_response_status_code="200"}';
    expect(valueOf(text, check)).toBe(1);
    expect(valueOf(text, 'http_server_request_duration_seconds_bucket{le="10",http_route="/v1/check",http_request_method="POST",http_response_status_code="200"}')).toBe(1);
    expect(text).toMatch(/http_server_request_duration_seconds_sum\{http_route="\/v1\/check",http_request_method="POST",http_response_status_code="200"\} [0-9.e-]+/);
    expect(valueOf(text, `permis_check_decisions_total{service_id="${svc.id}",decision="deny",reason="no_consent"}`)).toBe(1);
    expect(valueOf(text, 'permis_audit_group_commit_events_count')).toBe(1);
    // Route patterns (the route or middleware that answered), never raw paths: bounded label values.
    expect(text).toMatch(/http_route="\/v1\/me\/consents\/(\*|:id)",http_request_method="GET",http_response_status_code="401"/);
    expect(text).not.toContain('00000000-0000-7000');
    expect(text).not.toContain('/no/such/path');
    // The pool gauges and Node's own metrics.
    expect(valueOf(text, 'permis_db_pool_max')).toBe(10);
    expect(valueOf(text, 'permis_db_in_flight')).toBe(0);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // The rate limiter's counter is declared for it to record into.
    expect(text).toContain('# TYPE permis_rate_limit_refusals_total counter');
  });

  it('reads the log lag and the webhook backlog at scrape time', async () => {
    const before = await (await scrape(`Bearer ${TOKEN}`)).text();
    expect(valueOf(before, 'permis_log_pending_events')).toBeGreaterThan(0);
    await integrateLog(t.deps);
    const after = await (await scrape(`Bearer ${TOKEN}`)).text();
    expect(valueOf(after, 'permis_log_pending_events')).toBe(0);
    expect(valueOf(after, 'permis_log_tree_size')).toBeGreaterThan(0);
    expect(valueOf(after, 'permis_log_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf(after, 'permis_webhook_backlog_messages')).toBe(0);
  });
});
