import { PGlite, types } from '@electric-sql/pglite';
import { type Db, type Sql, rethrowable, wrapDbError } from './db.js';

/** Options for the embedded engine. */
export interface PgliteOptions {
  /** Directory for the database files; omit for an in-memory database. */
  dataDir?: string;
  /**
   * A data directory saved with PGlite's `dumpDataDir` (a tar) to start from instead of an
   * empty cluster: skips initdb (tests start each database from a migrated snapshot).
   */
  loadDataDir?: Blob;
}

const parsers = { [types.INT8]: (v: string) => BigInt(v) };

/** Opens PGlite (PostgreSQL compiled to WASM) in-process, persisted in `dataDir` if given. */
export async function openPglite(opts: PgliteOptions = {}): Promise<Db & { dumpDataDir(): Promise<Blob> }> {
  let pg: PGlite;
  try {
    pg = await PGlite.create({ parsers, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) });
  } catch (err) {
    throw wrapDbError(err);
  }
  const exec = async (q: Pick<PGlite, 'exec'>, script: string): Promise<void> => {
    try {
      await q.exec(script);
    } catch (err) {
      throw wrapDbError(err);
    }
  };
  const run = async <T>(q: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]): Promise<T[]> => {
    try {
      const res = await q.query<T>(text, params as unknown[] | undefined);
      return res.rows;
    } catch (err) {
      throw wrapDbError(err);
    }
  };
  return {
    engine: 'pglite',
    query: (text, params) => run(pg, text, params),
    exec: (script) => exec(pg, script),
    async transaction(fn) {
      try {
        return await pg.transaction(async (tx) => fn({ query: (text, params) => run(tx, text, params), exec: (script) => exec(tx, script) } as Sql));
      } catch (err) {
        throw rethrowable(err);
      }
    },
    async close() {
      await pg.close();
    },
    /** The whole data directory as an uncompressed tar, for {@link PgliteOptions.loadDataDir}. */
    async dumpDataDir(): Promise<Blob> {
      try {
        return await pg.dumpDataDir('none');
      } catch (err) {
        throw wrapDbError(err);
      }
    },
  };
}
