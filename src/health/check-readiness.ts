/**
 * Readiness: "this process can write now". A real round trip through the process's own pool
 * to a server that accepts writes, so a connection that died with the old primary is found and
 * retired by the probe itself (src/storage/pg-pool.ts) rather than by a request. Probes run at
 * most once per `maxAgeMs` per database handle; callers in between share the last answer, so
 * a load balancer polling every replica often costs the database one query a second each.
 */
import type { AppDeps } from '../core/deps.js';
import { DbError } from '../storage/db.js';
import { serverAcceptsWrites } from '../storage/writable.js';

/** The answer of a readiness probe. */
export interface Readiness {
  ready: boolean;
  /** Why not, in words safe to show. */
  reason?: string;
}

interface Probe {
  at: number;
  answer: Promise<Readiness>;
}

const probes = new WeakMap<object, Probe>();

/** Whether the database behind `deps.db` accepts writes now; at most one probe per `maxAgeMs`. */
export function checkReadiness(deps: Pick<AppDeps, 'db' | 'clock' | 'log'>, opts: { maxAgeMs?: number } = {}): Promise<Readiness> {
  const now = deps.clock.now().getTime();
  const last = probes.get(deps.db);
  if (last && now - last.at < (opts.maxAgeMs ?? 1000)) return last.answer;
  const answer = probe(deps);
  probes.set(deps.db, { at: now, answer });
  return answer;
}

async function probe(deps: Pick<AppDeps, 'db' | 'log'>): Promise<Readiness> {
  try {
    if (await serverAcceptsWrites(deps.db)) return { ready: true };
    return { ready: false, reason: 'The database reached is read-only (a standby); waiting for a primary.' };
  } catch (err) {
    if (!(err instanceof DbError)) throw err;
    deps.log?.('warn', 'readiness probe failed', { message: err.message });
    return { ready: false, reason: 'The database cannot be reached right now.' };
  }
}
