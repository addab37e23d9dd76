/**
 * The one database handle the core sees. Two implementations (PGlite in-process, postgres.js
 * over the network) run the same SQL with `$n` parameters. Driver errors are wrapped here
 * into DbError so nothing above storage ever sees a driver's own error type.
 */
import { PermisError } from '../domain/errors.js';

/** Something that runs SQL: the handle itself or a transaction. */
export interface Sql {
  /** Runs one statement with `$1…$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A database handle: queries, transactions, lifecycle. */
export interface Db extends Sql {
  readonly engine: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /** Closes connections; the handle is unusable afterwards. */
  close(): Promise<void>;
}

/** True for SQLSTATEs (or their absence) meaning the database could not be reached or the connection broke. */
const isConnectionState = (sqlstate: string | undefined): boolean =>
  sqlstate === undefined || sqlstate.startsWith('08') || sqlstate === '57P01';

/**
 * A database failure, with the PostgreSQL SQLSTATE when there is one: the driver's error
 * wrapped where storage calls it. Code `database_unavailable` when the database could not be
 * reached (faces answer 503), else `database_failed`.
 */
export class DbError extends PermisError<'database_unavailable' | 'database_failed'> {
  readonly sqlstate: string | undefined;
  readonly constraint: string | undefined;
  constructor(message: string, sqlstate?: string, constraint?: string, options?: { cause?: unknown }) {
    super(isConnectionState(sqlstate) ? 'database_unavailable' : 'database_failed', message, options);
    this.sqlstate = sqlstate;
    this.constraint = constraint;
  }

  /** True for errors where the database could not be reached or the connection broke. */
  get isConnection(): boolean {
    return this.code === 'database_unavailable';
  }

  /** True for unique-constraint violations (SQLSTATE 23505). */
  get isUniqueViolation(): boolean {
    return this.sqlstate === '23505';
  }
}

/** Wraps any driver error into a DbError, keeping SQLSTATE and constraint name. */
export function wrapDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const e = err as { code?: unknown; constraint?: unknown; constraint_name?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const constraint =
    typeof e?.constraint === 'string' ? e.constraint : typeof e?.constraint_name === 'string' ? e.constraint_name : undefined;
  return new DbError(typeof e?.message === 'string' ? e.message : 'database error', code, constraint, { cause: err });
}

/**
 * What a transaction wrapper rethrows: errors raised by the caller's own code pass through
 * untouched; driver errors (which carry a string `code`, e.g. SQLSTATE or CONNECTION_CLOSED)
 * are wrapped.
 */
export function rethrowable(err: unknown): unknown {
  if (err instanceof DbError) return err;
  if (err instanceof Error && (err.name === 'PostgresError' || err.name === 'DatabaseError')) return wrapDbError(err);
  if (err instanceof Error && err.name === 'Error' && typeof (err as { code?: unknown }).code === 'string') {
    return wrapDbError(err);
  }
  return err;
}
