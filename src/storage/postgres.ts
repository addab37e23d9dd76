import type postgres from 'postgres';
import { type Db, DbError, type Sql, rethrowable, wrapDbError } from './db.js';
import { type LeaseMode, type PoolTimeouts, type Slot, SlotPool, timeoutError, within } from './pg-pool.js';

/** Options for the PostgreSQL server connection pool. */
export interface PostgresOptions {
  /** A `postgres://` URL; several hosts (`h1:p1,h2:p2`) with `target_session_attrs=read-write` reach the primary of a cluster. */
  url: string;
  /** Pool size; default 10. */
  max?: number;
  /**
   * Use named prepared statements (default true). Turn off behind a transaction-mode pooler
   * that does not keep them (e.g. PgBouncer before 1.21).
   */
  prepare?: boolean;
  /** Connect, pool-wait and statement limits (src/storage/pg-pool.ts); default: none, connect 10 s. */
  timeouts?: PoolTimeouts;
}

/** The server sent a WARNING while committing: the synchronous standby's confirmation was cut short. */
const unconfirmedCommit = () =>
  new DbError('the commit was not confirmed by the synchronous standby (committed on the primary only); its outcome is unknown');

/** Connects to a PostgreSQL server through postgres.js. Nothing is sent until the first query. */
export function openPostgres(opts: PostgresOptions): Db {
  const prepare = opts.prepare ?? true;
  const timeouts: PoolTimeouts = { connectMs: 10_000, ...opts.timeouts };
  const pool = new SlotPool({ url: opts.url, max: opts.max ?? 10, prepare, timeouts });
  const { statementMs } = timeouts;

  /** Runs `work` on `slot`'s connection within the statement limit; a late answer drops the connection. */
  const timed = <T>(slot: Slot, work: Promise<T>, what: string): Promise<T> =>
    within(work, statementMs, what, () => {
      slot.timedOut = true;
      pool.drop(slot);
    });
  const failure = (slot: Slot, err: unknown): DbError =>
    slot.timedOut && statementMs !== undefined ? timeoutError('the database', statementMs) : wrapDbError(err);

  const run = async <T>(slot: Slot, q: postgres.Sql | postgres.TransactionSql, text: string, params?: readonly unknown[]) => {
    try {
      // unsafe() does not prepare unless asked: a named prepared statement per SQL text saves a
      // round trip and a re-plan on every call (the check path's main cost).
      const work = q.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[], { prepare }) as unknown as Promise<T[]>;
      return await timed(slot, work, 'a statement');
    } catch (err) {
      throw failure(slot, err);
    }
  };
  const exec = async (slot: Slot, q: postgres.Sql | postgres.TransactionSql, script: string): Promise<void> => {
    try {
      // No parameters: the simple query protocol takes several statements.
      await timed(slot, q.unsafe(script) as unknown as Promise<unknown>, 'a script');
    } catch (err) {
      throw failure(slot, err);
    }
  };
  /** Leases a slot for `work`; a failed connection is destroyed and never handed out again. */
  const leased = async <T>(mode: LeaseMode, work: (slot: Slot) => Promise<T>): Promise<T> => {
    const slot = await pool.acquire(mode);
    try {
      const out = await work(slot);
      pool.release(slot, mode);
      return out;
    } catch (err) {
      const db = err instanceof DbError ? err : undefined;
      pool.release(slot, mode, db?.isConnection || slot.dead ? db ?? new DbError('connection lost') : undefined);
      throw err;
    }
  };
  /** A write outside a transaction commits with its statement: a WARNING meanwhile means an unconfirmed commit. */
  const autocommit = async <T>(slot: Slot, work: () => Promise<T>): Promise<T> => {
    const before = slot.warnings;
    const out = await work();
    if (slot.warnings > before) throw unconfirmedCommit();
    return out;
  };

  return {
    engine: 'postgres',
    exec: (script) => leased('shared', (slot) => autocommit(slot, () => exec(slot, slot.sql, script))),
    query: (text, params) => leased('shared', (slot) => autocommit(slot, () => run(slot, slot.sql, text, params))),
    transaction(fn) {
      return leased('exclusive', async (slot) => {
        let warningsAtCommit = -1;
        // BEGIN (and connecting) count as a statement; so does the COMMIT, which postgres.js
        // sends once `fn` resolves: its own limit starts then.
        let started = () => {};
        let committing = () => {};
        const begun = new Promise<void>((r) => (started = r));
        const commitStarted = new Promise<void>((r) => (committing = r));
        const body = slot.sql.begin(async (tx) => {
          started();
          const out = await fn({ query: (text, params) => run(slot, tx, text, params), exec: (script) => exec(slot, tx, script) } as Sql);
          warningsAtCommit = slot.warnings;
          committing();
          return out;
        });
        body.catch(() => {});
        try {
          await timed(slot, Promise.race([begun, body.then(() => {})]), 'BEGIN');
          await Promise.race([commitStarted, body.then(() => {})]);
          const out = (await timed(slot, body, 'COMMIT')) as Awaited<ReturnType<typeof fn>>;
          if (warningsAtCommit >= 0 && slot.warnings > warningsAtCommit) throw unconfirmedCommit();
          return out;
        } catch (err) {
          if (slot.timedOut && statementMs !== undefined) throw timeoutError('the database', statementMs);
          throw rethrowable(err);
        }
      });
    },
    close: () => pool.close(),
  };
}
