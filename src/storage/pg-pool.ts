/**
 * A pool of PostgreSQL connections that fails fast and never hands out a connection that
 * failed. Each slot is its own postgres.js instance of one connection, so that one slot can be
 * dropped on its own: postgres.js has no way to close a single pooled connection, nor a limit
 * on how long a query waits for one (see docs/architecture.md, "A pool of one-connection
 * instances").
 *
 * - Acquiring waits at most `acquireMs` for a free slot.
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

/** One leased connection. */
export interface Slot {
  readonly sql: postgres.Sql;
  /** Warnings (SQLSTATE class 01) the server sent on this connection so far. */
  warnings: number;
  /** Set once the slot must not be used again. */
  dead: boolean;
  /** Set when it was dropped because a statement ran out of time. */
  timedOut: boolean;
  readonly generation: number;
}

interface Waiter {
  resolve: (slot: Slot) => void;
  reject: (err: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A DbError for a database that did not answer in time: a connection problem (503). */
export const timeoutError = (what: string, ms: number): DbError => new DbError(`${what} did not answer within ${ms} ms`);

/** Slots of one connection each, created on demand up to `max`. */
export class SlotPool {
  private readonly idle: Slot[] = [];
  private readonly waiters: Waiter[] = [];
  private live = 0;
  private generation = 0;
  private closed = false;

  constructor(private readonly opts: SlotPoolOptions) {}

  /** A free slot: an idle one opened since the last failure, a new one, or the next released. */
  acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new DbError('the database pool is closed'));
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      if (!s.dead && s.generation === this.generation) return Promise.resolve(s);
      this.destroy(s);
    }
    if (this.live < this.opts.max) return Promise.resolve(this.create());
    return new Promise<Slot>((resolve, reject) => {
      const w: Waiter = { resolve, reject, timer: undefined };
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

  /** Gives a slot back; `failed` destroys it (and a connection failure retires the idle ones). */
  release(slot: Slot, failed?: DbError): void {
    if (failed?.isConnection) this.suspectAll();
    if (failed || slot.dead || slot.generation !== this.generation || this.closed) {
      this.destroy(slot);
      this.serveWaiters();
      return;
    }
    const w = this.waiters.shift();
    if (w) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve(slot);
    } else {
      this.idle.push(slot);
    }
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
    const idle = this.idle.splice(0);
    this.live -= idle.length;
    await Promise.all(idle.map((s) => s.sql.end({ timeout: 5 }).catch(() => {})));
  }

  /** Every slot opened so far is suspect: idle ones go now, leased ones when given back. */
  private suspectAll(): void {
    this.generation++;
    for (const s of this.idle.splice(0)) this.destroy(s);
  }

  private serveWaiters(): void {
    while (this.waiters.length && this.live < this.opts.max && !this.closed) {
      const w = this.waiters.shift()!;
      if (w.timer) clearTimeout(w.timer);
      w.resolve(this.create());
    }
  }

  private destroy(slot: Slot): void {
    this.live--;
    this.drop(slot);
  }

  private create(): Slot {
    this.live++;
    const { connectMs } = this.opts.timeouts;
    const slot: Slot = {
      generation: this.generation,
      warnings: 0,
      dead: false,
      timedOut: false,
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
