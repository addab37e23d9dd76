/**
 * E-mail delivery from the mail outbox (the pattern of webhook-delivery.ts): due mails are
 * claimed with a lease (`for update skip locked`, safe on any number of replicas), decided
 * again just before sending (the address still this citizen's and confirmed — an unconfirmed
 * one gets only its confirmation —, e-mail still wanted for the type, the event still
 * relevant), written in the citizen's language, and handed to the mail transport outside any
 * transaction. A failure is retried with exponential backoff and jitter for at least 24 h
 * (src/domain/webhook-retry.ts); a permanent refusal or the last failure leaves it `dead`,
 * the dead-letter state admins see and can retry. Every attempt is logged. Delivery is
 * at least once: a process dying after the server accepted a message sends it again when the
 * lease runs out.
 */
import { KeyError } from '../crypto/key-error.js';
import { openAddress } from '../crypto/address-seal.js';
import { makeLinkToken } from '../crypto/link-token.js';
import { uuidv7 } from '../domain/ids.js';
import { instrumentsOf } from '../core/metric-catalogue.js';
import { channelOn } from '../domain/notifications.js';
import { retryDelayMs } from '../domain/webhook-retry.js';
import type { AppDeps } from '../core/deps.js';
import { mailSettings, type MailSettings, reminderSettings } from '../notifications/notification-config.js';
import { type MailComposer, MailSendError, type MailTransport, type OutgoingMail } from '../notifications/mail-transport.js';
import { notificationTarget } from '../notifications/notification-target.js';
import { stillRelevant } from '../notifications/still-relevant.js';
import { claimDueMail, type MailOutcome, type MailRow, recordMailAttempt } from '../storage/notification-mail-repo.js';
import { findAddressById, findSettings } from '../storage/notification-settings-repo.js';
import { findNotification, isErasing } from '../storage/notifications-repo.js';
import { getService } from '../storage/services-repo.js';

/** How long a confirmation link works. */
export const CONFIRMATION_TTL_MS = 7 * 86_400_000;

/** Options for {@link deliverMail}. */
export interface MailDeliveryOptions {
  transport: MailTransport;
  compose: MailComposer;
  /** Most mails claimed per call; default 50. */
  batch?: number;
  /** Per-message timeout in milliseconds; default 30,000. */
  timeoutMs?: number;
  /** Monotonic milliseconds for durations; default `performance.now()`. */
  stopwatch?: () => number;
}

/** What one call did (counters for logs and metrics). */
export interface MailDeliveryResult {
  attempted: number;
  sent: number;
  retrying: number;
  /** Given up: refused permanently or out of retries (the dead letters). */
  dead: number;
  /** Not to be sent any more (address gone or unconfirmed, e-mail off, event obsolete). */
  skipped: number;
}

const MAX_ERROR_LENGTH = 300;

type Prepared = { skip: string } | { dead: string } | { mail: OutgoingMail };

/** Decides what to do with a claimed mail and writes it when it is to be sent. */
async function prepare(deps: AppDeps, m: MailRow, settings: MailSettings, compose: MailComposer): Promise<Prepared> {
  const { db, config } = deps;
  const now = deps.clock.now();
  if (await isErasing(db, m.citizenId)) return { skip: 'the account is being erased' };
  const address = await findAddressById(db, m.addressId);
  if (!address || address.citizenId !== m.citizenId) return { skip: 'the address was removed or replaced' };
  const language = (await findSettings(db, m.citizenId))?.language ?? 'ca';
  let to: string;
  try {
    to = await openAddress(address.addressJwe, m.citizenId, settings.addressKey);
  } catch (err) {
    if (err instanceof KeyError) return { dead: `the address cannot be decrypted (${err.code})` };
    throw err;
  }
  const base = config.publicUrl;
  const timeZone = config.timeZone ?? 'Europe/Madrid';
  const common = { from: settings.from, to, language, headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': language } };
  if (m.kind === 'confirmation') {
    if (address.status !== 'unconfirmed') return { skip: 'the address is already confirmed' };
    const token = await makeLinkToken(settings.linkKey, 'confirm', address.id, new Date(m.createdAt.getTime() + CONFIRMATION_TTL_MS));
    const content = await compose({
      language,
      kind: 'confirmation',
      timeZone,
      links: { open: `${base}/notifications/settings`, settings: `${base}/notifications/settings`, confirm: `${base}/email/confirm/${token}` },
    });
    return { mail: { ...common, ...content } };
  }
  // Only a confirmed address receives notifications (double opt-in).
  if (address.status !== 'confirmed') return { skip: 'the address is not confirmed' };
  const n = m.notificationId ? await findNotification(db, m.notificationId) : undefined;
  if (!n) return { skip: 'the notification no longer exists' };
  const muted = (await findSettings(db, m.citizenId))?.muted ?? {};
  if (!channelOn(n.type, 'email', muted)) return { skip: 'e-mail is turned off for this kind of notification' };
  if (!(await stillRelevant(db, n, now, reminderSettings(config.notifications).reminderDays))) return { skip: 'what it was about is settled' };
  const serviceId = typeof n.data.serviceId === 'string' ? n.data.serviceId : undefined;
  const service = serviceId ? await getService(db, serviceId) : undefined;
  const unsubscribe = `${base}/email/unsubscribe/${await makeLinkToken(settings.linkKey, 'unsubscribe', address.id)}`;
  const content = await compose({
    language,
    kind: 'notification',
    notification: n,
    serviceName: service?.name,
    timeZone,
    links: { open: `${base}${notificationTarget(n)}`, settings: `${base}/notifications/settings`, unsubscribe },
  });
  return {
    mail: {
      ...common,
      ...content,
      headers: {
        ...common.headers,
        // RFC 2369 §3.2 and RFC 8058 §3.1: an HTTPS URI that unsubscribes with one POST.
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    },
  };
}

/** Sends with a deadline: a transport that hangs counts as a temporary failure. */
async function sendWithin(transport: MailTransport, mail: OutgoingMail, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MailSendError(`timeout: not accepted within ${timeoutMs} ms`, false)), timeoutMs);
  });
  try {
    await Promise.race([transport.send(mail), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Claims up to `batch` due mails and sends them one after the other, recording every attempt.
 * Does nothing when e-mail is not configured. Never throws for a mail server's failure;
 * database errors propagate.
 */
export async function deliverMail(deps: AppDeps, opts: MailDeliveryOptions): Promise<MailDeliveryResult> {
  const result: MailDeliveryResult = { attempted: 0, sent: 0, retrying: 0, dead: 0, skipped: 0 };
  const settings = mailSettings(deps.config.notifications);
  if (!settings) return result;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const stopwatch = opts.stopwatch ?? (() => performance.now());
  const now = deps.clock.now();
  const leaseId = uuidv7(deps.clock, deps.random);
  const claimed = await claimDueMail(deps.db, { now, leaseUntil: new Date(now.getTime() + timeoutMs + 60_000), leaseId, batch: opts.batch ?? 50 });
  for (const m of claimed) {
    const attemptedAt = deps.clock.now();
    const started = stopwatch();
    let outcome: MailOutcome;
    let error: string | null = null;
    let nextAttemptAt: Date | null = null;
    try {
      const prepared = await prepare(deps, m, settings, opts.compose);
      if ('skip' in prepared) {
        outcome = 'skipped';
        error = prepared.skip;
      } else if ('dead' in prepared) {
        outcome = 'dead';
        error = prepared.dead;
      } else {
        try {
          await sendWithin(opts.transport, prepared.mail, timeoutMs);
          outcome = 'sent';
        } catch (err) {
          const permanent = err instanceof MailSendError && err.permanent;
          error = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
          const delay = permanent ? undefined : retryDelayMs(m.attempts + 1, deps.random);
          outcome = delay === undefined ? 'dead' : 'retrying';
          if (delay !== undefined) nextAttemptAt = new Date(deps.clock.now().getTime() + delay);
        }
      }
    } catch (err) {
      // Preparing failed (the database, most likely): the lease runs out and it is tried again.
      deps.log?.('error', 'mail could not be prepared', { mailId: m.id, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    result.attempted++;
    result[outcome]++;
    try {
      await recordMailAttempt(deps.db, leaseId, {
        id: uuidv7(deps.clock, deps.random),
        mailId: m.id,
        attempt: m.attempts + 1,
        attemptedAt,
        durationMs: Math.max(0, Math.round(stopwatch() - started)),
        outcome,
        error,
        nextAttemptAt,
      });
    } catch (err) {
      deps.log?.('error', 'mail delivery could not be recorded', { mailId: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  }
  if (deps.metrics && result.attempted > 0) {
    const deliveries = instrumentsOf(deps.metrics).mailDeliveries;
    for (const outcome of ['sent', 'retrying', 'dead', 'skipped'] as const) if (result[outcome] > 0) deliveries.labels(outcome).inc(result[outcome]);
  }
  return result;
}
