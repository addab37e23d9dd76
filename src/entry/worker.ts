/**
 * Cloudflare Workers entry: the same Hono app over PostgreSQL through a Hyperdrive binding.
 * Background work runs from Cron Triggers (`scheduled`). Migrations are not run here: apply
 * them with `npm run migrate` against the same database before deploying.
 */
import { openDataConfig } from './open-data-config.js';
import { openKeyRing } from '../keys/open-key-ring.js';
import { deriveKey } from '../crypto/derive-key.js';
import { fromB64 } from '@permis/sdk/encoding';
import { systemClock, systemRandom } from '../domain/runtime.js';
import { createApp } from './app.js';
import type { AppDeps } from '../core/deps.js';
import { resumeErasures } from '../erasure/erase-citizen.js';
import { sweepExpired } from '../jobs/expiry-sweep.js';
import { deliverWebhooks } from '../jobs/webhook-delivery.js';
import { integrateLog } from '../log/integrate-log.js';
import { deliverMail } from '../jobs/mail-delivery.js';
import { scanReminders } from '../jobs/reminder-scan.js';
import { httpMailTransport } from '../notifications/http-mail-transport.js';
import { composeMail } from '../portal/mail/compose-mail.js';
import { openPostgres } from '../storage/postgres.js';
import { databaseTimeouts, parseEnv, publicUrlOf } from './config.js';
import { notificationConfig } from './notification-config.js';
import { buildDocsAssets, type DocsAssets } from '../http/docs-page.js';
// Swagger UI's files bundled as text (wrangler.toml [[rules]] type "Text"): /docs works offline.
// (Relative paths: Wrangler's module rules resolve an import against the importing file.)
import swaggerBundle from '../../node_modules/swagger-ui-dist/swagger-ui-bundle.js';
import swaggerCss from '../../node_modules/swagger-ui-dist/swagger-ui.css';

/** Built once per isolate, on the first request for /docs. */
let docs: Promise<DocsAssets> | undefined;
const docsAssets = (): Promise<DocsAssets> => (docs ??= buildDocsAssets({ bundle: swaggerBundle, css: swaggerCss }));

/** Bindings declared in wrangler.toml (vars and secrets are strings). */
export interface WorkerEnv {
  HYPERDRIVE?: { connectionString: string };
  /** Optional second Hyperdrive configuration in front of a read replica (as DATABASE_READ_URL). */
  HYPERDRIVE_READ?: { connectionString: string };
  DATABASE_URL?: string;
  [name: string]: unknown;
}

interface ExecutionContextLike {
  waitUntil(p: Promise<unknown>): void;
}

const strings = (env: WorkerEnv): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/** Builds per-request dependencies: Workers forbid sharing a connection between requests. */
async function depsFor(env: WorkerEnv): Promise<AppDeps> {
  const e = parseEnv(strings(env));
  const url = env.HYPERDRIVE?.connectionString ?? e.DATABASE_URL;
  if (!url) throw new Error('Configure a HYPERDRIVE binding or DATABASE_URL');
  if (!e.KEY_ENCRYPTION_KEY) throw new Error('KEY_ENCRYPTION_KEY must be set as a Worker secret');
  const kek = fromB64(e.KEY_ENCRYPTION_KEY);
  const db = openPostgres({ url, max: 5, timeouts: databaseTimeouts(e) });
  const readUrl = env.HYPERDRIVE_READ?.connectionString ?? e.DATABASE_READ_URL;
  const readDb = readUrl ? openPostgres({ url: readUrl, max: 2, timeouts: { ...databaseTimeouts(e), statementMs: e.DATABASE_READ_STATEMENT_TIMEOUT_MS } }) : undefined;
  const publicUrl = publicUrlOf(e);
  const log: AppDeps['log'] = (level, msg, fields) => console[level === 'info' ? 'log' : level](JSON.stringify({ level, msg, ...fields }));
  const keys = await openKeyRing(db, {
    kek,
    clock: systemClock,
    random: systemRandom,
    log,
    configured: {
      ...(e.RECEIPT_SIGNING_KEY ? { receipt: e.RECEIPT_SIGNING_KEY } : {}),
      ...(e.TOKEN_SIGNING_KEY ? { token: e.TOKEN_SIGNING_KEY } : {}),
      ...(e.CHECKPOINT_SIGNING_KEY ? { checkpoint: e.CHECKPOINT_SIGNING_KEY } : {}),
    },
  });
  return {
    db,
    ...(readDb ? { readDb } : {}),
    keys,
    clock: systemClock,
    random: systemRandom,
    config: {
      publicUrl,
      rpId: new URL(publicUrl).hostname,
      rpName: e.RP_NAME,
      sessionTtlSeconds: e.SESSION_TTL_SECONDS,
      challengeTtlSeconds: e.CHALLENGE_TTL_SECONDS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      jurisdiction: e.JURISDICTION,
      timeZone: e.TIME_ZONE,
      ...(e.LOG_ORIGIN ? { logOrigin: e.LOG_ORIGIN } : {}),
      pairwiseSecret: e.PAIRWISE_SECRET ? fromB64(e.PAIRWISE_SECRET) : await deriveKey(kek, 'permis pairwise subject v1'),
      notifications: await notificationConfig(e, kek, publicUrl),
      openData: openDataConfig(e),
    },
    get docs() {
      return docsAssets();
    },
    log,
  };
}

/**
 * How long one cron invocation keeps integrating, in seconds: `CRON_INTEGRATOR_SECONDS`
 * (1–55), default 50 so that one invocation a minute covers most of the minute. Local test
 * runs set it small so that a triggered `/__scheduled` finishes quickly.
 */
function integratorSeconds(env: WorkerEnv): number {
  const n = Number(env.CRON_INTEGRATOR_SECONDS ?? 50);
  return Number.isInteger(n) && n >= 1 && n <= 55 ? n : 50;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    const deps = await depsFor(env);
    try {
      return await createApp(deps).fetch(request);
    } finally {
      ctx.waitUntil(Promise.all([deps.db.close(), deps.readDb?.close()]));
    }
  },
  // Cron Trigger (every minute): expiry sweep, reminders, e-mail, webhook delivery, then the log integrator once
  // a second for CRON_INTEGRATOR_SECONDS (default 50 s, most of the minute: Cron Triggers fire
  // at most once a minute; we want a checkpoint at least once a second while events
  // arrive). Only one integrator runs at a time anywhere (advisory lock), so overlapping
  // invocations are harmless.
  async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContextLike): Promise<void> {
    const deps = await depsFor(env);
    ctx.waitUntil(
      (async () => {
        await sweepExpired(deps);
        await scanReminders(deps);
        await resumeErasures(deps);
        // E-mail through an HTTP mail API (Workers open no SMTP connections); without one, a
        // Node.js process with SMTP_URL on the same database sends the queue.
        const mailUrl = typeof env.MAIL_HTTP_URL === 'string' ? env.MAIL_HTTP_URL : undefined;
        if (mailUrl) {
          const transport = httpMailTransport({ url: mailUrl, token: typeof env.MAIL_HTTP_TOKEN === 'string' ? env.MAIL_HTTP_TOKEN : undefined, fetch: (u, i) => fetch(u, i) });
          await deliverMail(deps, { transport, compose: composeMail, batch: 200 });
        }
        await deliverWebhooks(deps, { fetch: (u, i) => fetch(u, i), batch: 500, concurrency: 16 });
        const until = Date.now() + integratorSeconds(env) * 1000;
        while (Date.now() < until) {
          await integrateLog(deps);
          await new Promise((r) => setTimeout(r, 1000));
        }
      })().finally(() => Promise.all([deps.db.close(), deps.readDb?.close()])),
    );
  },
};
