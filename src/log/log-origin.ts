/**
 * The transparency log's origin, which is also its checkpoint key name (c2sp.org/tlog-checkpoint):
 * one value for the whole log, whichever replica signs. It is configured (`LOG_ORIGIN`, else
 * the public URL without its scheme) only until the first checkpoint, which stores it; from
 * then on the stored origin is the log's, so replicas with different public URLs cannot drift.
 */
import { logOriginOf } from '../crypto/checkpoint.js';
import type { AppConfig, AppDeps } from '../core/deps.js';
import { storedLogOrigin } from '../storage/log-publication.js';
import type { Sql } from '../storage/db.js';

/** The origin a new log gets: the configured `logOrigin`, else the public URL without its scheme. */
export function configuredLogOrigin(config: Pick<AppConfig, 'logOrigin' | 'publicUrl'>): string {
  return config.logOrigin ?? logOriginOf(config.publicUrl);
}

const stored = new WeakMap<object, string>();

/**
 * The log's origin: the stored one once the first checkpoint exists (remembered per database
 * handle, as it never changes), else the one a new log would get.
 */
export async function logOrigin(deps: Pick<AppDeps, 'db' | 'config'>, sql: Sql = deps.db): Promise<string> {
  const known = stored.get(deps.db);
  if (known) return known;
  const found = await storedLogOrigin(sql);
  if (found === undefined) return configuredLogOrigin(deps.config);
  stored.set(deps.db, found);
  return found;
}
