import { instrumentsOf } from '../core/metric-catalogue.js';
import type { Metrics } from '../core/metrics.js';
import type { Db } from '../storage/db.js';

/**
 * Wraps a database handle to count what is in flight on it (queries and transactions), for
 * the pool gauge: postgres.js 3.4 exposes no pool statistics, so `permis_db_in_flight` above
 * `permis_db_pool_max` means requests are waiting for a connection.
 */
export function instrumentDb(db: Db, metrics: Metrics, poolMax: number | undefined): Db {
  const i = instrumentsOf(metrics);
  const inFlight = i.dbInFlight.labels();
  if (poolMax !== undefined) i.dbPoolMax.labels().set(poolMax);
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight.inc();
    try {
      return await work();
    } finally {
      inFlight.dec();
    }
  };
  return {
    engine: db.engine,
    query: (text, params) => counted(() => db.query(text, params)),
    exec: (script) => counted(() => db.exec(script)),
    transaction: (fn) => counted(() => db.transaction(fn)),
    close: () => db.close(),
  };
}
