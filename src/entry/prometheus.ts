/**
 * The Node entry's metrics: the core's Metrics interface on prom-client (the Prometheus
 * project's client for Node.js, its text exposition format 0.0.4), plus the runtime's default
 * process metrics (CPU, memory, event-loop delay, GC). One registry per process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Family, Metrics, Counter as CoreCounter, Gauge as CoreGauge, Histogram as CoreHistogram } from '../core/metrics.js';

/** The process's metrics and their text exposition for `/metrics`. */
export interface PrometheusMetrics {
  metrics: Metrics;
  exposition: { contentType: string; render(): Promise<string> };
  registry: Registry;
}

/** A registry with the default process metrics and the core's metrics as they are asked for. */
export function prometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const made = new Map<string, Family<unknown>>();
  const once = <T>(name: string, make: () => Family<T>): Family<T> => {
    let f = made.get(name) as Family<T> | undefined;
    if (!f) made.set(name, (f = make()));
    return f;
  };
  const metrics: Metrics = {
    counter: (def) =>
      once<CoreCounter>(def.name, () => {
        const m = new Counter({ name: def.name, help: def.help, labelNames: [...(def.labelNames ?? [])], registers: [registry] });
        return { labels: (...v) => m.labels(...v) };
      }),
    histogram: (def) =>
      once<CoreHistogram>(def.name, () => {
        const m = new Histogram({ name: def.name, help: def.help, labelNames: [...(def.labelNames ?? [])], buckets: [...def.buckets], registers: [registry] });
        return { labels: (...v) => m.labels(...v) };
      }),
    gauge: (def) =>
      once<CoreGauge>(def.name, () => {
        const m = new Gauge({ name: def.name, help: def.help, labelNames: [...(def.labelNames ?? [])], registers: [registry] });
        return { labels: (...v) => m.labels(...v) };
      }),
  };
  return { metrics, registry, exposition: { contentType: registry.contentType, render: () => registry.metrics() } };
}
