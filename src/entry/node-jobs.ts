import type { AppDeps } from '../core/deps.js';
import { resumeErasures } from '../erasure/erase-citizen.js';
import { sweepExpired } from '../jobs/expiry-sweep.js';
import { integrateLog } from '../log/integrate-log.js';
import { submissionWitnesses, submitToWitnesses } from '../log/witness-submission.js';
import { deliverWebhooks } from '../jobs/webhook-delivery.js';
import { deliverMail } from '../jobs/mail-delivery.js';
import { scanReminders } from '../jobs/reminder-scan.js';
import type { MailComposer, MailTransport } from '../notifications/mail-transport.js';
import { nodeSha256 } from './node-sha256.js';
import { webhookFetch } from './webhook-fetch.js';

/** Handle to stop the background jobs. */
export interface Jobs {
  /** Starts no new run; resolves once the runs in progress have finished. */
  stop(): Promise<void>;
}

/**
 * Runs background work on timers in the Node.js process (on Workers the same functions run
 * from Cron Triggers): the expiry sweep, the reminder scan and the completion of interrupted
 * erasures, every `expirySweepSeconds`; e-mail delivery every 2 seconds when a mail transport
 * is given; webhook delivery and
 * events-feed sequencing, every `webhookSeconds` (default 1); the log integrator, every
 * second. A run never overlaps the previous run of the same job.
 */
export function startBackgroundJobs(
  deps: AppDeps,
  opts: {
    expirySweepSeconds: number;
    webhookSeconds?: number;
    /** Deliver webhooks to private and loopback addresses too (WEBHOOK_ALLOW_PRIVATE). */
    webhookAllowPrivate?: boolean;
    log: NonNullable<AppDeps['log']>;
    mail?: { transport: MailTransport; compose: MailComposer } | undefined;
  },
): Jobs {
  // Resolve, check, connect to the checked address (webhook-fetch.ts).
  const fetchWebhook = webhookFetch({ allowPrivate: opts.webhookAllowPrivate ?? false });
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const every = (seconds: number, name: string, work: () => Promise<void>) => {
    let running = false;
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      try {
        await work();
      } catch (err) {
        opts.log('error', `${name} failed`, { message: err instanceof Error ? err.message : String(err) });
      } finally {
        running = false;
      }
    };
    const run = () => {
      const p = tick();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    const timer = setInterval(run, seconds * 1000);
    timer.unref();
    run();
    return timer;
  };
  const timers = [
    every(opts.expirySweepSeconds, 'expiry sweep', async () => {
      const n = await sweepExpired(deps);
      if (n > 0) opts.log('info', 'expired consents recorded', { count: n });
      const told = await scanReminders(deps);
      if (told.consentReminders + told.requestWarnings > 0) opts.log('info', 'reminders recorded', { ...told });
      // An erasure interrupted by a crash is finished here.
      const resumed = await resumeErasures(deps);
      if (resumed > 0) opts.log('info', 'interrupted erasures completed', { count: resumed });
    }),
    every(opts.webhookSeconds ?? 1, 'webhook delivery', async () => {
      const r = await deliverWebhooks(deps, { fetch: fetchWebhook });
      if (r.attempted > 0) opts.log('info', 'webhooks sent', { delivered: r.delivered, retrying: r.retrying, failed: r.failed });
    }),
    ...(opts.mail
      ? [
          every(2, 'mail delivery', async () => {
            const r = await deliverMail(deps, opts.mail!);
            if (r.attempted > 0) opts.log('info', 'e-mail sent', { ...r });
          }),
        ]
      : []),
    // The log integrator signs a checkpoint at least once a second while events arrive.
    // Node's synchronous SHA-256 instead of a WebCrypto promise per hash; batches of 5,000 keep
    // each checkpoint well under a second while catching up (~30,000 leaves/s, see README).
    every(1, 'log integrator', async () => {
      await integrateLog(deps, { batch: 5000, sha256: nodeSha256 });
    }),
    // Witnesses get each published checkpoint on a timer of their own, so a witness that is down
    // or slow never delays integration (each has a timeout and backs off after failures).
    ...(submissionWitnesses(deps.config.witnesses).length > 0
      ? [
          every(1, 'witness submission', async () => {
            const r = await submitToWitnesses(deps, { fetch: (url, init) => fetch(url, init) });
            for (const o of r?.outcomes ?? []) {
              if (o.outcome === 'failed') opts.log('warn', 'witness did not cosign', { witness: o.witness, treeSize: r!.treeSize.toString(), detail: o.detail });
            }
          }),
        ]
      : []),
  ];
  return {
    stop: async () => {
      stopped = true;
      timers.forEach((t) => clearInterval(t));
      await Promise.all(inFlight);
    },
  };
}
