import { instrumentsOf } from '../core/metric-catalogue.js';
import type { AppDeps } from '../core/deps.js';
import { readBackgroundStatus } from '../storage/status-repo.js';
import { witnessStatus } from '../log/witness-status.js';

/**
 * Sets the gauges that describe background work from the database, as a scrape asks for them:
 * transparency-log lag (pending events, checkpoint age, tree size), each witness's lag and the
 * webhook backlog.
 */
export async function collectStatusMetrics(deps: Pick<AppDeps, 'db' | 'clock' | 'metrics' | 'config'>): Promise<void> {
  if (!deps.metrics) return;
  const i = instrumentsOf(deps.metrics);
  const s = await readBackgroundStatus(deps.db);
  i.logPending.labels().set(s.logPending);
  i.logTreeSize.labels().set(Number(s.treeSize));
  if (s.checkpointAt) i.checkpointAge.labels().set(Math.max(0, (deps.clock.now().getTime() - s.checkpointAt.getTime()) / 1000));
  i.webhookBacklog.labels().set(s.webhookBacklog);
  for (const w of await witnessStatus(deps, deps.db)) {
    i.witnessLag.labels(w.name).set(Number(w.lag));
    i.witnessFailures.labels(w.name).set(w.failures);
  }
}
