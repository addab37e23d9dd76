/**
 * A pool of PostgreSQL connections that fails fast and never hands out a connection that
 * failed. Each slot is its own postgres.js instance of one connection, so that one slot can be
 * dropped on its own: postgres.js has no way to close a single pooled connection, nor a limit
 * on how long a query waits for one (see docs/architecture.md, "A pool of one-connection
 * instances").
 *
 * - Acquiring waits at most `acquireMs` for a free slot (transactions take one alone; single
 *   statements share, pipelined, as in postgres.js's own pool).
 * - Every statement (and the COMMIT of a transaction) must answer within `statementMs`; if it
 *   does not, the connection is dropped, never cancelled: a cancel that reaches a COMMIT
 *   waiting for its synchronous standby makes PostgreSQL commit locally without the standby
 *   (PostgreSQL docs, "Synchronous Replication"), whereas a dropped client leaves the server to
 *   finish the commit, replicated, or roll it back.
 * - A slot whose connection failed is destroyed; any connection failure also retires every
 *   idle slot opened before it (the server may have gone away under all of them), so after the
 *   database is back the first request gets a fresh connection.
 */
import postgres from 'postgres';
import { DbError } from './db.js';

/** Limits in milliseconds; unset means no limit. */
export interface PoolTimeouts {
  /** TCP connect plus start-up (per host tried). */
  connectMs?: number;
  /** Waiting for a free slot. */
  acquireMs?: number;
  /** One statement, or a transaction's COMMIT, on the server. */
  statementMs?: number;
}

/** Options of {@link SlotPool}. */
export interface SlotPoolOptions {
  url: string;
  max: number;
  prepare: boolean;
  timeouts: PoolTimeouts;
}

/** One connection, leased to a transaction or shared by single statements. */
export interface Slot {
  readonly sql: postgres.Sql;
  /** Warnings (SQLSTATE class 01) the server sent on this connection so far. */
  warnings: number;
  /** Set once the slot must not be used again. */
  dead: boolean;
  /** Set when it was dropped because a statement ran out of time. */
  timedOut: boolean;
  readonly generation: number;
  /** Single statements in flight on it (postgres.js pipelines them on the connection). */
  shared: number;
  /** Leased to a transaction: nothing else may use it. */
  exclusive: boolean;
  /** No longer counted in the pool. */
  removed: boolean;
}

/** How a slot is used: by a transaction alone, or by single statements side by side. */
export type LeaseMode = 'exclusive' | 'shared';

interface Waiter {
  mode: LeaseMode;
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Most single statements in flight on one connection before another is opened or awaited. */
const PIPELINE = 32;

/** A DbError for a database that did not answer in time: a connection problem (503). */
export const timeoutError = (what: string, ms: number): DbError => new DbError(`${what} did not answer within ${ms} ms`);

/**
 * Slots of one connection each, created on demand up to `max`. A transaction leases a slot
 * alone; single statements share slots, as postgres.js's own pool does: an idle slot first,
 * then a new one, then the least busy, so that they are pipelined rather than queued.
 */
export class SlotPool {
  private readonly slots: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private generation = 0;
  private closed = false;

  constructor(private readonly opts: SlotPoolOptions) {}

  /** A slot for `mode`, waiting at most `acquireMs` when every slot is taken. */
  acquire(mode: LeaseMode): Promise<Slot> {
    if (this.closed) return Promise.reject(new DbError('the database pool is closed'));
    const slot = this.take(mode);
    if (slot) return Promise.resolve(slot);
    return new Promise<Slot>((resolve, reject) => {
      const w: Waiter = { mode, resolve, reject, timer: undefined };
      const ms = this.opts.timeouts.acquireMs;
      if (ms !== undefined) {
        w.timer = setTimeout(() => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new DbError(`no database connection was free within ${ms} ms`));
        }, ms);
      }
      this.waiters.push(w);
    });
  }

  /** Gives a lease back; `failed` destroys the slot (and a connection failure retires the idle ones). */
  release(slot: Slot, mode: LeaseMode, failed?: DbError): void {
    if (mode === 'exclusive') slot.exclusive = false;
    else slot.shared--;
    if (failed?.isConnection) this.suspectAll();
    if (failed || slot.dead || this.closed) this.remove(slot);
    else if (slot.generation !== this.generation && slot.shared === 0 && !slot.exclusive) this.remove(slot);
    this.serveWaiters();
  }

  /** Drops a slot's connection at once (no cancel is sent); its pending queries reject. */
  drop(slot: Slot): void {
    slot.dead = true;
    void slot.sql.end({ timeout: 0 }).catch(() => {});
  }

  /** Closes every connection; waiting acquirers are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(new DbError('the database pool is closed'));
    }
    const all = this.slots.splice(0);
    for (const s of all) s.removed = true;
    await Promise.all(all.map((s) => s.sql.end({ timeout: 5 }).catch(() => {})));
  }

  /** A slot for `mode` now, if there is one: idle, new, or (shared) the least busy. */
  private take(mode: LeaseMode): Slot | undefined {
    let idle: Slot | undefined;
    let least: Slot | undefined;
    for (const s of [...this.slots]) {
      if (s.exclusive) continue;
      if (s.dead || s.generation !== this.generation) {
        if (s.shared === 0) this.remove(s);
        continue;
      }
      if (s.shared === 0) idle ??= s;
      else if (mode === 'shared' && s.shared < PIPELINE && (!least || s.shared < least.shared)) least = s;
    }
    const slot = idle ?? (this.slots.length < this.opts.max ? this.create() : mode === 'shared' ? least : undefined);
    if (!slot) return undefined;
    if (mode === 'exclusive') slot.exclusive = true;
    else slot.shared++;
    return slot;
  }

  /** Every slot opened so far is suspect: idle ones go now, busy ones when given back. */
  private suspectAll(): void {
    this.generation++;
    for (const s of [...this.slots]) if (s.shared === 0 && !s.exclusive) this.remove(s);
  }

  private serveWaiters(): void {
    for (let i = 0; i < this.waiters.length && !this.closed; ) {
      const w = this.waiters[i]!;
      const slot = this.take(w.mode);
      if (!slot) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      if (w.timer) clearTimeout(w.timer);
      w.resolve(slot);
    }
  }

  private remove(slot: Slot): void {
    if (slot.removed) return;
    slot.removed = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    this.drop(slot);
  }

  private create(): Slot {
    const { connectMs } = this.opts.timeouts;
    const slot: Slot = {
      generation: this.generation,
      warnings: 0,
      dead: false,
      timedOut: false,
      shared: 0,
      exclusive: false,
      removed: false,
      sql: postgres(this.opts.url, {
        max: 1,
        types: { bigint: postgres.BigInt },
        prepare: this.opts.prepare,
        // postgres.js takes seconds; fractions work (it multiplies by 1000).
        connect_timeout: connectMs === undefined ? 30 : connectMs / 1000,
        onnotice: (n) => {
          // A WARNING (class 01) during a COMMIT is how PostgreSQL says that the wait for the
          // synchronous standby was cut short: committed here, perhaps not on the standby.
          if (n.severity === 'WARNING' && typeof n.code === 'string' && n.code.startsWith('01')) slot.warnings++;
        },
        // Closed while idle (server gone, lifetime reached): not handed out again.
        onclose: () => {
          slot.dead = true;
        },
      }),
    };
    this.slots.push(slot);
    return slot;
  }
}

/**
 * `p`, or a timeout DbError after `ms` (then `onTimeout` runs first, e.g. to drop the
 * connection). Without `ms`, just `p`.
 */
export function within<T>(p: Promise<T>, ms: number | undefined, what: string, onTimeout: () => void): Promise<T> {
  if (ms === undefined) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(timeoutError(what, ms));
    }, ms);
  });
  p.catch(() => {}); // settled later or abandoned after the deadline: never an unhandled rejection
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
