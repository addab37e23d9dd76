/**
 * Every metric Permís records, in one place (names follow the Prometheus naming conventions;
 * the HTTP ones are OpenTelemetry's semantic conventions for HTTP servers as the OpenTelemetry
 * Prometheus exporter names them: `http.server.request.duration` → `http_server_request_duration_seconds`).
 * docs/operators.md lists them; docs/grafana-dashboard.json charts them.
 */
import { type Counter, type Family, type Gauge, type Histogram, type Metrics } from './metrics.js';

/** Latency buckets in seconds: OpenTelemetry's HTTP defaults, plus 1 and 2.5 ms for the check. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;

/** The metrics, created on a Metrics implementation. */
export interface Instruments {
  /** Request latency and rate per route pattern (never the raw path), method and status. */
  httpDuration: Family<Histogram>;
  /** Check answers by service, decision and deny reason (`none` for a permit). */
  checkDecisions: Family<Counter>;
  /** Audit events per group commit of the check path. */
  auditCommitEvents: Family<Histogram>;
  /** Webhook delivery attempts by outcome: delivered, retrying, failed. */
  webhookDeliveries: Family<Counter>;
  /** E-mail to citizens: attempts by outcome (sent, retrying, dead, skipped). */
  mailDeliveries: Family<Counter>;
  /**
   * Requests refused by a rate limit, by limit name. The rate limiter records here:
   * `instrumentsOf(deps.metrics).rateLimitRefusals.labels('<limit name>').inc()`.
   */
  rateLimitRefusals: Family<Counter>;
  /** Events committed but not yet in the transparency log. */
  logPending: Family<Gauge>;
  /** Seconds since the latest signed checkpoint. */
  checkpointAge: Family<Gauge>;
  /** Leaves in the latest signed checkpoint. */
  logTreeSize: Family<Gauge>;
  /** Webhook messages waiting for delivery (pending, endpoint set). */
  webhookBacklog: Family<Gauge>;
  /** Queries and transactions in flight on this process's database handle. */
  dbInFlight: Family<Gauge>;
  /** The size of this process's connection pool (DATABASE_POOL_MAX). */
  dbPoolMax: Family<Gauge>;
  /** Leaves of the latest published checkpoint a witness has not cosigned yet (its lag), per witness. */
  witnessLag: Family<Gauge>;
  /** Consecutive failed submissions to a witness (0 after a cosignature), per witness. */
  witnessFailures: Family<Gauge>;
}

const made = new WeakMap<Metrics, Instruments>();

/** The instruments on `metrics`, made once per Metrics object (apps built per request share them). */
export function instrumentsOf(metrics: Metrics): Instruments {
  let i = made.get(metrics);
  if (!i) {
    i = {
      httpDuration: metrics.histogram({
        name: 'http_server_request_duration_seconds',
        help: 'Duration of HTTP server requests (OpenTelemetry http.server.request.duration).',
        labelNames: ['http_route', 'http_request_method', 'http_response_status_code'],
        buckets: LATENCY_BUCKETS,
      }),
      checkDecisions: metrics.counter({
        name: 'permis_check_decisions_total',
        help: 'Consent check answers by service, decision and deny reason (none for a permit).',
        labelNames: ['service_id', 'decision', 'reason'],
      }),
      auditCommitEvents: metrics.histogram({
        name: 'permis_audit_group_commit_events',
        help: 'Audit events written per group commit of the check path.',
        buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
      }),
      webhookDeliveries: metrics.counter({
        name: 'permis_webhook_deliveries_total',
        help: 'Webhook delivery attempts by outcome (delivered, retrying, failed).',
        labelNames: ['outcome'],
      }),
      mailDeliveries: metrics.counter({
        name: 'permis_mail_deliveries_total',
        help: 'E-mail notification attempts by outcome (sent, retrying, dead, skipped).',
        labelNames: ['outcome'],
      }),
      rateLimitRefusals: metrics.counter({
        name: 'permis_rate_limit_refusals_total',
        help: 'Requests refused by a rate limit, by limit.',
        labelNames: ['limit'],
      }),
      logPending: metrics.gauge({ name: 'permis_log_pending_events', help: 'Audit events committed but not yet integrated into the transparency log.' }),
      checkpointAge: metrics.gauge({ name: 'permis_log_checkpoint_age_seconds', help: 'Seconds since the latest signed checkpoint of the transparency log.' }),
      logTreeSize: metrics.gauge({ name: 'permis_log_tree_size', help: 'Leaves in the latest signed checkpoint.' }),
      webhookBacklog: metrics.gauge({ name: 'permis_webhook_backlog_messages', help: 'Webhook messages waiting for delivery.' }),
      dbInFlight: metrics.gauge({ name: 'permis_db_in_flight', help: 'Queries and transactions in flight on this process’s database pool.' }),
      dbPoolMax: metrics.gauge({ name: 'permis_db_pool_max', help: 'Connections this process’s pool may open (DATABASE_POOL_MAX).' }),
      witnessLag: metrics.gauge({
        name: 'permis_witness_lag_leaves',
        help: 'Leaves of the latest published checkpoint the witness has not cosigned (WITNESS_POLICY witnesses).',
        labelNames: ['witness'],
      }),
      witnessFailures: metrics.gauge({
        name: 'permis_witness_failures',
        help: 'Consecutive failed submissions to the witness (0 after a cosignature).',
        labelNames: ['witness'],
      }),
    };
    made.set(metrics, i);
  }
  return i;
}
