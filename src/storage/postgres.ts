import postgres from 'postgres';
import { type Db, type Sql, rethrowable, wrapDbError } from './db.js';

/** Options for the PostgreSQL server connection pool. */
export interface PostgresOptions {
  url: string;
  /** Pool size; default 10. */
  max?: number;
  /**
   * Use named prepared statements (default true). Turn off behind a transaction-mode pooler
   * that does not keep them (e.g. PgBouncer before 1.21).
   */
  prepare?: boolean;
}

/** Connects to a PostgreSQL server through postgres.js. Nothing is sent until the first query. */
export function openPostgres(opts: PostgresOptions): Db {
  const prepare = opts.prepare ?? true;
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
    connect_timeout: 10,
    prepare,
  });
  const run = async <T>(q: postgres.Sql | postgres.TransactionSql, text: string, params?: readonly unknown[]) => {
    try {
      // unsafe() does not prepare unless asked: a named prepared statement per SQL text saves a
      // round trip and a re-plan on every call (the check path's main cost).
      return (await q.unsafe(text, (params ?? []) as postgres.ParameterOrJSON<never>[], { prepare })) as unknown as T[];
    } catch (err) {
      throw wrapDbError(err);
    }
  };
  const exec = async (q: postgres.Sql | postgres.TransactionSql, script: string): Promise<void> => {
    try {
      await q.unsafe(script); // no parameters: the simple query protocol takes several statements
    } catch (err) {
      throw wrapDbError(err);
    }
  };
  return {
    engine: 'postgres',
    exec: (script) => exec(sql, script),
    query: (text, params) => run(sql, text, params),
    async transaction(fn) {
      try {
        return (await sql.begin((tx) => fn({ query: (text, params) => run(tx, text, params), exec: (script) => exec(tx, script) } as Sql))) as Awaited<
          ReturnType<typeof fn>
        >;
      } catch (err) {
        throw rethrowable(err);
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
