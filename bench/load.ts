/**
 * Load generation with autocannon (in this process): a fixed number of connections for a
 * fixed time against 127.0.0.1 only, replaying pre-generated bodies in turn. Latencies of
 * the 2xx responses are kept one by one (microsecond resolution) so percentiles are exact,
 * and several rounds of one scenario can be merged.
 */
import autocannon from 'autocannon';

/** One scenario to run. */
export interface LoadSpec {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Bodies sent in turn (one per request); none for a GET. */
  bodies?: readonly string[];
}

/** The raw outcome of one run. */
export interface LoadSample {
  seconds: number;
  /** Latency of every 2xx response, in ms. */
  latencies: number[];
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Counts of the status codes other than 2xx. */
  statusCodes: Record<string, number>;
}

/** What one scenario measured, over all its rounds. */
export interface LoadResult {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx responses per second. */
  rps: number;
  /** Latency percentiles of the 2xx responses, in ms. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  statusCodes: Record<string, number>;
}

const percentile = (sorted: Float64Array, q: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;

/** Merges the rounds of one scenario: throughput over their total time, percentiles over all responses. */
export function summarise(samples: readonly LoadSample[]): LoadResult {
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const seconds = samples.reduce((a, s) => a + s.seconds, 0);
  const statusCodes: Record<string, number> = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    seconds,
    ok: sorted.length,
    non2xx: samples.reduce((a, s) => a + s.non2xx, 0),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    timeouts: samples.reduce((a, s) => a + s.timeouts, 0),
    rps: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    statusCodes,
  };
}

/** The median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Per-round figures and their medians: the rounds' req/s and p99, each summarised alone. */
export function roundMedians(samples: readonly LoadSample[]): { rps: number; p50: number; p99: number; roundsRps: number[]; roundsP99: number[] } {
  const rounds = samples.map((s) => summarise([s]));
  const roundsRps = rounds.map((r) => r.rps);
  const roundsP99 = rounds.map((r) => r.p99);
  return { rps: median(roundsRps), p50: median(rounds.map((r) => r.p50)), p99: median(roundsP99), roundsRps, roundsP99 };
}

/** Runs `spec` against `port` on 127.0.0.1 with `connections` connections for `seconds` seconds. */
export function runLoad(port: number, spec: LoadSpec, connections: number, seconds: number): Promise<LoadSample> {
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let turn = Math.floor(Math.random() * (spec.bodies?.length ?? 1));
  const bodies = spec.bodies;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        // The load only ever targets this machine (loopback).
        url: `http://127.0.0.1:${port}`,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: [
          {
            method: spec.method,
            path: spec.path,
            headers: { ...(bodies ? { 'content-type': 'application/json' } : {}), ...spec.headers },
            ...(bodies
              ? {
                  setupRequest: (req: autocannon.Request) => {
                    req.body = bodies[turn++ % bodies.length]!;
                    return req;
                  },
                }
              : {}),
          },
        ],
      },
      (err: unknown, r: autocannon.Result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve({ seconds: r.duration, latencies, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, statusCodes });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}
