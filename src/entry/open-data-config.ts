/** The open-data settings from the validated environment (OPEN_DATA_*; docs/operators.md). */
import type { OpenDataConfig } from '../open-data/open-data-config.js';
import type { Env } from './config.js';

/** What the environment sets of the open-data settings; the rest take their defaults. */
export function openDataConfig(env: Pick<Env, 'OPEN_DATA_K' | 'OPEN_DATA_EPSILON' | 'OPEN_DATA_LICENSE' | 'OPEN_DATA_PUBLISHER' | 'OPEN_DATA_PUBLISHER_URL' | 'OPEN_DATA_CONTACT'>): Partial<OpenDataConfig> {
  return {
    k: env.OPEN_DATA_K,
    ...(env.OPEN_DATA_EPSILON ? { epsilon: env.OPEN_DATA_EPSILON } : {}),
    ...(env.OPEN_DATA_LICENSE ? { licence: env.OPEN_DATA_LICENSE } : {}),
    ...(env.OPEN_DATA_PUBLISHER ? { publisherName: env.OPEN_DATA_PUBLISHER } : {}),
    ...(env.OPEN_DATA_PUBLISHER_URL ? { publisherUri: env.OPEN_DATA_PUBLISHER_URL } : {}),
    ...(env.OPEN_DATA_CONTACT ? { contactEmail: env.OPEN_DATA_CONTACT } : {}),
  };
}
