/**
 * The metrics the core records, without a metrics library: operations and jobs call these
 * interfaces (`deps.metrics`); a runtime entry supplies an implementation (Node: prom-client,
 * exposed at /metrics in the Prometheus text format) or nothing (the no-op default).
 * Label values are given in the order of the metric's `labelNames`.
 */

/** A monotonically increasing count. */
export interface Counter {
  inc(by?: number): void;
}

/** A distribution of observed values (latencies in seconds, sizes). */
export interface Histogram {
  observe(value: number): void;
}

/** A value that goes up and down. */
export interface Gauge {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
}

/** A metric with labels: one child per combination of label values. */
export interface Family<T> {
  labels(...values: string[]): T;
}

/** What defines a metric: its name (snake_case, with unit suffix), help text and label names. */
export interface MetricDef {
  name: string;
  help: string;
  labelNames?: readonly string[];
}

/** Where the core records. Asking twice for the same name returns the same metric. */
export interface Metrics {
  counter(def: MetricDef): Family<Counter>;
  histogram(def: MetricDef & { buckets: readonly number[] }): Family<Histogram>;
  gauge(def: MetricDef): Family<Gauge>;
}

const noopChild: Counter & Histogram & Gauge = { inc() {}, dec() {}, set() {}, observe() {} };
const noopFamily: Family<Counter & Histogram & Gauge> = { labels: () => noopChild };

/** Records nothing: the default when a runtime has no metrics. */
export const noopMetrics: Metrics = { counter: () => noopFamily, histogram: () => noopFamily, gauge: () => noopFamily };

/**
 * A lookup of a family's children by two label values that allocates nothing once a
 * combination has been seen (the per-request paths use it: no label objects, no strings built).
 */
export function childCache2<T>(family: Family<T>): (a: string, b: string) => T {
  const byA = new Map<string, Map<string, T>>();
  return (a, b) => {
    let byB = byA.get(a);
    if (!byB) byA.set(a, (byB = new Map()));
    let child = byB.get(b);
    if (!child) byB.set(b, (child = family.labels(a, b)));
    return child;
  };
}

/** As {@link childCache2}, for three label values, the last one a number (e.g. an HTTP status). */
export function childCache3<T>(family: Family<T>): (a: string, b: string, c: number) => T {
  const byA = new Map<string, Map<string, Map<number, T>>>();
  return (a, b, c) => {
    let byB = byA.get(a);
    if (!byB) byA.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (!byC) byB.set(b, (byC = new Map()));
    let child = byC.get(c);
    if (!child) byC.set(c, (child = family.labels(a, b, String(c))));
    return child;
  };
}
