/**
 * Where the CPU went during a scenario (Linux /proc): the bench server process, the load
 * generator (this process), the PostgreSQL backends connected to the bench database, and
 * the whole machine (which includes anything else running). In % of one core.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** CPU use during one scenario, in % of one core (machine: of all cores together). */
export interface CpuShare {
  server: number;
  loadGenerator: number;
  postgresBackends: number;
  /** Busy share of the whole machine, 0…100 × cores. */
  machine: number;
}

const TICK = 100; // USER_HZ on Linux

/** utime + stime of `pid` and of its child processes (a cluster's workers), in seconds. */
function treeSeconds(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // no children
  }
  return procSeconds(pid) + children.reduce((a, c) => a + procSeconds(c), 0);
}

/** utime + stime of `pid` in seconds, or 0 when it cannot be read. */
function procSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

function machineBusySeconds(): number {
  return cpus().reduce((a, c) => a + (c.times.user + c.times.nice + c.times.sys + c.times.irq) / 1000, 0);
}

/** Starts measuring; `stop()` returns the shares since the start. */
export function cpuMeter(serverPid: number, backendPids: number[]): { stop(): CpuShare } {
  const t0 = performance.now();
  const server0 = treeSeconds(serverPid);
  const backends0 = backendPids.map(procSeconds);
  const self0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  return {
    stop() {
      const wall = (performance.now() - t0) / 1000;
      const self = process.cpuUsage(self0);
      const pct = (seconds: number) => Math.round((seconds / wall) * 1000) / 10;
      return {
        server: pct(treeSeconds(serverPid) - server0),
        loadGenerator: pct((self.user + self.system) / 1e6),
        postgresBackends: pct(backendPids.reduce((a, p, i) => a + procSeconds(p) - backends0[i]!, 0)),
        machine: pct(machineBusySeconds() - machine0),
      };
    },
  };
}
