/**
 * The resident set size of a process over time (Linux /proc/<pid>/status VmRSS), sampled
 * every `everyMs` while a benchmark runs.
 */
import { readFileSync } from 'node:fs';

/** RSS samples: seconds since the start and MiB. */
export interface RssSeries {
  samples: { s: number; mib: number }[];
  startMiB: number;
  maxMiB: number;
  endMiB: number;
  /** Mean of the last third minus mean of the first third: growth over the run, in MiB. */
  driftMiB: number;
}

/** `pid`'s RSS in MiB, or NaN when it cannot be read. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Starts sampling; `stop()` returns the series. */
export function rssSampler(pid: number, everyMs = 1000): { stop(): RssSeries } {
  const t0 = performance.now();
  const samples: { s: number; mib: number }[] = [];
  const take = () => {
    const mib = rssMiB(pid);
    if (Number.isFinite(mib)) samples.push({ s: Math.round((performance.now() - t0) / 100) / 10, mib: Math.round(mib * 10) / 10 });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      const third = Math.max(1, Math.floor(samples.length / 3));
      const mean = (xs: { mib: number }[]) => xs.reduce((a, x) => a + x.mib, 0) / xs.length;
      return {
        samples,
        startMiB: samples[0]?.mib ?? NaN,
        maxMiB: Math.max(...samples.map((x) => x.mib)),
        endMiB: samples[samples.length - 1]?.mib ?? NaN,
        driftMiB: Math.round((mean(samples.slice(-third)) - mean(samples.slice(0, third))) * 10) / 10,
      };
    },
  };
}
