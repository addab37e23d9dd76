/**
 * Erasure of a citizen's account (GDPR Art. 17), in this order:
 *
 * 1. One transaction withdraws every active or paused consent (reason `erasure`; one already
 *    past its validity is recorded as expired instead), each with its revision, receipt,
 *    audit event and `consent.withdrawn` webhook, and rejects every pending request addressed
 *    to the citizen (`request.rejected`): services are notified before anything is redacted.
 * 2. The log integrator runs until no event naming the citizen is pending, so every such
 *    event has a leaf and its salt (the leaf commits to the hashes, not the values).
 * 3. One transaction redacts those events (personal values and salts set to null, the
 *    pseudonyms stored in their place, each leaf proven unchanged), deletes passkeys,
 *    sessions, challenges, roles, subject bindings, idempotency records and everything the
 *    notifications hold (the e-mail address, the inbox, the mail outbox), cuts the
 *    consents' and requests' link to the account, and leaves a tombstone citizen row
 *    (`erased_at`, empty name).
 *
 * Every step is idempotent, so an erasure interrupted anywhere completes when run again (by
 * the citizen retrying while their session still lives, or by {@link resumeErasures}).
 */
import { expireRequest, rejectRequest } from '../consent/decide-request.js';
import { transitionConsent } from '../consent/transition-consent.js';
import { ConflictError, NotFoundError, UnavailableError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { AppDeps } from '../core/deps.js';
import { integrateLog } from '../log/integrate-log.js';
import { insertAuditEvent } from '../storage/audit-repo.js';
import { DbError, type Sql } from '../storage/db.js';
import {
  deleteAccount,
  erasureCounts,
  erasuresToResume,
  eventsNaming,
  hasEventsWithCitizenId,
  hasPendingEventsNaming,
  isLastAdmin,
  loadEvents,
  lockAccountRows,
  lockErasureState,
  lockLiveConsents,
  lockPendingRequests,
  markErasureRequested,
  type Redaction,
  subjectRefsOf,
  tombstoneHandle,
  writeRedactions,
} from '../storage/erasure-repo.js';
import { withRoleLock } from '../storage/roles-repo.js';
import { deleteNotificationData } from '../storage/notifications-repo.js';
import { redactEventKeepingLeaf, type RedactionSubject, subjectKey } from './redact-event.js';

/** The reason recorded on consents withdrawn by an erasure. */
export const ERASURE_REASON = 'erasure';

/** Points where {@link ErasureOptions.onStage} is called. */
export type ErasureStage =
  /** Step 1 committed: consents withdrawn, requests rejected, webhooks queued (called with the db). */
  | 'withdrawn'
  /** Step 2 done: no event naming the citizen is pending (called with the db). */
  | 'integrated'
  /** Inside step 3's transaction, after the events are redacted. */
  | 'redacted'
  /** Inside step 3's transaction, after the account is deleted, just before commit. */
  | 'erased';

/** Options for {@link eraseCitizen}. */
export interface ErasureOptions {
  /** The HTTP request id, recorded on the audit events. */
  requestId?: string | undefined;
  /** Most rounds of the three steps before giving up (503); default 5. */
  maxRounds?: number;
  /** Most integrator runs per round while events stay pending (another integrator may hold the lock); default 50. */
  integrationAttempts?: number;
  /** Waits between integrator runs; default a 200 ms timer. */
  pause?: (ms: number) => Promise<void>;
  /** Called at each stage; a throw aborts (inside a transaction: rolls it back). For fault-injection tests. */
  onStage?: (stage: ErasureStage, sql: Sql) => void | Promise<void>;
}

/** What an erasure did. */
export interface ErasureResult {
  erasedAt: Date;
  /** Consents ended with reason `erasure`. */
  withdrawnConsents: number;
  /** Pending requests rejected because of the erasure. */
  rejectedRequests: number;
  /** Audit events whose personal values were redacted (by this call). */
  redactedEvents: number;
}

/** 503 `erasure_incomplete`: events kept arriving or the integrator was busy; what was done stays done. */
export class ErasureIncompleteError extends UnavailableError {
  constructor() {
    super(
      'Your consents are withdrawn, but the erasure could not finish yet; it will be completed automatically, or try again in a minute.',
      'erasure_incomplete',
    );
  }
}

/** An internal signal: something changed under step 3; run the steps again. */
class NotReady extends UnavailableError {
  constructor(why: string) {
    super(why, 'erasure_incomplete');
  }
}

const lastAdmin = () => new ConflictError('last_admin', 'This account is the last admin: grant the admin role to someone else before erasing it.');

/** A deadlock (40P01) or serialization failure (40001) with a concurrent transaction: the round is run again. */
const isTransient = (err: unknown): boolean => err instanceof DbError && (err.sqlstate === '40P01' || err.sqlstate === '40001');

const INTEGRATION_PAUSE_MS = 200;
const LOAD_CHUNK = 500;
const defaultPause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Step 1: withdraws, expires and rejects what is live. Returns false when the account is already erased. */
async function withdrawEverything(deps: AppDeps, citizenId: string, opts: ErasureOptions): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    // An approval locks its request before its consent row takes the citizen's key lock: same order here.
    const pending = await lockPendingRequests(tx, citizenId);
    const state = await lockErasureState(tx, citizenId);
    if (!state) throw new NotFoundError('citizen');
    if (state.erasedAt) return false;
    if (await isLastAdmin(tx, citizenId)) throw lastAdmin();
    const now = deps.clock.now();
    if (!state.erasureRequestedAt) {
      await markErasureRequested(tx, citizenId, now);
      await insertAuditEvent(tx, {
        id: uuidv7(deps.clock, deps.random),
        type: 'citizen.erasure_requested',
        actorType: 'citizen',
        actorId: citizenId,
        citizenId,
        requestId: opts.requestId,
        data: {},
        createdAt: now,
      });
    }
    // The rows are locked, so nothing can move them between this read and the transitions.
    for (const c of await lockLiveConsents(tx, citizenId)) {
      const expired = c.validUntil.getTime() <= now.getTime();
      await transitionConsent(tx, deps, {
        consentId: c.id,
        citizenId,
        action: expired ? 'expire' : 'withdraw',
        actor: expired ? { type: 'system', id: 'expiry-sweep' } : { type: 'citizen', id: citizenId },
        reason: expired ? 'expired' : ERASURE_REASON,
        requestId: opts.requestId,
      });
    }
    for (const r of pending) {
      if (r.expiresAt.getTime() <= now.getTime()) await expireRequest(tx, deps, r.id);
      else await rejectRequest(tx, deps, citizenId, r.id, opts.requestId);
    }
    return true;
  });
}

/** Step 2: runs the integrator until no event naming the citizen is pending. */
async function integrateFirst(deps: AppDeps, citizenId: string, opts: ErasureOptions): Promise<void> {
  const refs = (await subjectRefsOf(deps.db, citizenId)).map((r) => r.subjectRef);
  const attempts = opts.integrationAttempts ?? 50;
  for (let i = 0; i < attempts; i++) {
    // Returns at once when another integrator holds the lock; that one integrates them soon.
    await integrateLog(deps);
    if (!(await hasPendingEventsNaming(deps.db, citizenId, refs))) return;
    await (opts.pause ?? defaultPause)(INTEGRATION_PAUSE_MS);
  }
  throw new ErasureIncompleteError();
}

/** Redacts every integrated event that names `who`; throws NotReady if one is still pending. */
async function redactEvents(tx: Sql, who: RedactionSubject, refs: readonly string[], at: Date): Promise<number> {
  const candidates = await eventsNaming(tx, who.citizenId, refs);
  if (candidates.some((c) => c.pending)) throw new NotReady('an event naming the citizen is not integrated yet');
  let n = 0;
  for (let i = 0; i < candidates.length; i += LOAD_CHUNK) {
    const rows = await loadEvents(tx, candidates.slice(i, i + LOAD_CHUNK).map((c) => c.id));
    const redactions: Redaction[] = [];
    for (const row of rows) {
      const out = await redactEventKeepingLeaf(row, who);
      if (out.changed) redactions.push({ id: row.id, citizenId: out.event.citizenId, actorId: out.event.actorId, data: out.event.data, pseudonyms: out.event.pseudonyms ?? {} });
    }
    n += await writeRedactions(tx, redactions, at);
  }
  return n;
}

/** Step 3: redaction and deletion in one transaction; for an erased account, redacts late events only. */
async function eraseAccount(deps: AppDeps, citizenId: string, opts: ErasureOptions): Promise<ErasureResult> {
  // The role lock serialises this with role changes, so the last-admin rule holds.
  return withRoleLock(deps.db, async (tx) => {
    // Rows that sign-in and approvals lock before the citizen row come first (see lockAccountRows).
    await lockAccountRows(tx, citizenId);
    const pending = await lockPendingRequests(tx, citizenId);
    const state = await lockErasureState(tx, citizenId);
    if (!state) throw new NotFoundError('citizen');
    const now = deps.clock.now();
    if (state.erasedAt) {
      const redacted = await redactEvents(tx, { citizenId, subjectRefs: new Set() }, [], now);
      await opts.onStage?.('redacted', tx);
      return { erasedAt: state.erasedAt, withdrawnConsents: 0, rejectedRequests: 0, redactedEvents: redacted };
    }
    if (await isLastAdmin(tx, citizenId)) throw lastAdmin();
    // Granted or addressed to the citizen since step 1 (their other tab, a service): again.
    if ((await lockLiveConsents(tx, citizenId)).length > 0) throw new NotReady('a consent is live again');
    if (pending.length > 0) throw new NotReady('a request is pending again');

    const refs = await subjectRefsOf(tx, citizenId);
    const who: RedactionSubject = { citizenId, subjectRefs: new Set(refs.map((r) => subjectKey(r.serviceId, r.subjectRef))) };
    const requested = await tx.query<{ id: string }>(
      `select id from audit_events where citizen_id = $1 and type = 'citizen.erasure_requested' order by seq limit 1`,
      [citizenId],
    );
    const counts = await erasureCounts(tx, citizenId, state.erasureRequestedAt ?? now);
    const redacted = await redactEvents(tx, who, refs.map((r) => r.subjectRef), now);
    await opts.onStage?.('redacted', tx);

    await deleteAccount(tx, citizenId, tombstoneHandle(deps.random.bytes(16)), now);
    // Notifications, their e-mail and the address itself go with the account.
    await deleteNotificationData(tx, citizenId);
    // The erasure's own record names no one; it points at the (now redacted) request event.
    await insertAuditEvent(tx, {
      id: uuidv7(deps.clock, deps.random),
      type: 'citizen.erased',
      actorType: 'system',
      actorId: 'erasure',
      requestId: opts.requestId,
      data: { ...counts, redactedEvents: redacted, ...(requested[0] ? { requestEventId: requested[0].id } : {}) },
      createdAt: now,
    });
    await opts.onStage?.('erased', tx);
    return { erasedAt: now, ...counts, redactedEvents: redacted };
  });
}

/**
 * Erases the citizen's account (see the module comment for the steps). Resolves when the
 * account is erased and no event names the citizen any more; running it again on an erased
 * account only redacts events that arrived late (a check in flight while the links were
 * cut). Throws NotFoundError for an unknown citizen, ConflictError `last_admin` for the last
 * admin (before anything is changed), ErasureIncompleteError (503) when events kept arriving
 * or the integrator stayed busy — whatever was done stays done, and a later run finishes.
 */
export async function eraseCitizen(deps: AppDeps, citizenId: string, opts: ErasureOptions = {}): Promise<ErasureResult> {
  const rounds = opts.maxRounds ?? 5;
  let result: ErasureResult | undefined;
  for (let round = 0; round < rounds; round++) {
    let live: boolean;
    try {
      live = await withdrawEverything(deps, citizenId, opts);
    } catch (err) {
      if (isTransient(err)) continue;
      throw err;
    }
    if (live) await opts.onStage?.('withdrawn', deps.db);
    await integrateFirst(deps, citizenId, opts);
    await opts.onStage?.('integrated', deps.db);
    let done: ErasureResult;
    try {
      done = await eraseAccount(deps, citizenId, opts);
    } catch (err) {
      if (err instanceof NotReady || isTransient(err)) continue;
      throw err;
    }
    result = result ? { ...result, redactedEvents: result.redactedEvents + done.redactedEvents } : done;
    if (!(await hasEventsWithCitizenId(deps.db, citizenId))) return result;
  }
  // Erased, with a late event left for resumeErasures: the citizen's erasure is done.
  if (result) return result;
  throw new ErasureIncompleteError();
}

/**
 * Finishes interrupted erasures: accounts whose erasure was asked for but not completed, and
 * accounts erased in the last day that late events still name. For a periodic job (Node
 * timers, Workers cron). Returns how many it completed; failures are logged and left for the
 * next run.
 */
export async function resumeErasures(deps: AppDeps, opts: { limit?: number } = {}): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - 86_400_000);
  let n = 0;
  for (const id of await erasuresToResume(deps.db, since, opts.limit ?? 100)) {
    try {
      await eraseCitizen(deps, id, { maxRounds: 2 });
      n++;
    } catch (err) {
      deps.log?.('warn', 'erasure not finished', { name: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return n;
}
