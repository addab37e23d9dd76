/**
 * How far each configured witness lags behind the log: the size it last cosigned against the
 * latest published checkpoint, its last success and its last error — for `/readyz` and metrics.
 */
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import { latestPublishedCheckpoint } from '../storage/log-publication.js';
import { logWitnessStates } from '../storage/log-witness-repo.js';
import { submissionWitnesses } from './witness-submission.js';

/** One witness's status. */
export interface WitnessStatus {
  name: string;
  /** The size it last cosigned, if known. */
  treeSize: string | null;
  /** Leaves of the latest published checkpoint it has not cosigned. */
  lag: string;
  lastSuccessAt: string | null;
  lastError: string | null;
  failures: number;
}

/** The status of every witness the log submits to (empty without WITNESS_POLICY). */
export async function witnessStatus(deps: Pick<AppDeps, 'config'>, sql: Sql): Promise<WitnessStatus[]> {
  const witnesses = submissionWitnesses(deps.config.witnesses);
  if (witnesses.length === 0) return [];
  const [cp, states] = await Promise.all([latestPublishedCheckpoint(sql), logWitnessStates(sql)]);
  const size = cp?.treeSize ?? 0n;
  return witnesses.map((w) => {
    const s = states.get(w.vkey);
    const cosigned = s?.treeSize ?? null;
    const lag = cosigned === null ? size : size > cosigned ? size - cosigned : 0n;
    return {
      name: w.name,
      treeSize: cosigned === null ? null : cosigned.toString(),
      lag: lag.toString(),
      lastSuccessAt: s?.lastSuccessAt?.toISOString() ?? null,
      lastError: s?.lastError ?? null,
      failures: s?.failures ?? 0,
    };
  });
}
