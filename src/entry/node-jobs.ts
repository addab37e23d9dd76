import type { AppDeps } from '../http/deps.js';
import { sweepExpired } from '../jobs/expiry-sweep.js';

/** Handle to stop the background jobs. */
export interface Jobs {
  stop(): void;
}

/**
 * Runs background work on timers in the Node.js process (on Workers the same functions run
 * from Cron Triggers): the expiry sweep, every `expirySweepSeconds`.
 */
export function startBackgroundJobs(deps: AppDeps, opts: { expirySweepSeconds: number; log: NonNullable<AppDeps['log']> }): Jobs {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const n = await sweepExpired(deps);
      if (n > 0) opts.log('info', 'expired consents recorded', { count: n });
    } catch (err) {
      opts.log('error', 'expiry sweep failed', { message: err instanceof Error ? err.message : String(err) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.expirySweepSeconds * 1000);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
