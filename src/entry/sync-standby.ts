/**
 * The start-up check of a cluster URL: a `DATABASE_URL` naming several hosts means a primary
 * with standbys, and acknowledged writes (withdrawals above all) survive the loss of the
 * primary only if every commit waits for a synchronous standby (PostgreSQL docs, "Synchronous
 * Replication": `synchronous_standby_names` set and `synchronous_commit` on, remote_write or
 * remote_apply). Without that, Permís refuses to start (`DATABASE_SYNC_STANDBY=require`, the
 * default) or says so loudly and starts (`warn`). See docs/production.md.
 */
import type { Db } from '../storage/db.js';
import { replicationState } from '../storage/replication.js';

/** Raised when the cluster cannot keep acknowledged writes across a failover; start-up stops. */
export class ClusterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterConfigError';
  }
}

/** True when a `postgres://` URL names more than one host (`h1:p1,h2:p2`). */
export function isMultiHost(url: string): boolean {
  const rest = url.replace(/^postgres(ql)?:\/\//, '');
  const authority = rest.split(/[/?#]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts.includes(',');
}

/** Problems that let a failover lose an acknowledged commit; empty when none. */
export async function synchronousStandbyProblems(db: Db): Promise<{ problems: string[]; notes: string[] }> {
  const s = await replicationState(db);
  const problems: string[] = [];
  const notes: string[] = [];
  if (s.inRecovery) problems.push('the server reached is a standby (in recovery); the URL needs target_session_attrs=read-write');
  if (s.synchronousCommit === 'off' || s.synchronousCommit === 'local') {
    problems.push(`synchronous_commit is ${s.synchronousCommit}: commits do not wait for any standby`);
  }
  if (s.synchronousStandbyNames === '') problems.push('synchronous_standby_names is empty: the primary has no synchronous standby');
  if (s.syncStandbysStreaming === 0 && s.synchronousStandbyNames !== '') {
    notes.push('no synchronous standby is streaming right now: commits wait until one is (or the cluster manager degrades the primary)');
  }
  if (s.syncStandbysStreaming === null) notes.push('grant pg_read_all_stats to this role to see the standbys in pg_stat_replication');
  return { problems, notes };
}

/**
 * Checks the primary behind a multi-host `url` (single-host URLs are not checked: a managed
 * service's single endpoint is documented as its own matter). `require` throws
 * ClusterConfigError on a problem; `warn` logs it as an error and goes on.
 */
export async function checkSynchronousStandby(
  db: Db,
  url: string,
  mode: 'require' | 'warn',
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void,
): Promise<void> {
  if (!isMultiHost(url)) return;
  const { problems, notes } = await synchronousStandbyProblems(db);
  for (const note of notes) log('warn', `database cluster: ${note}`);
  if (problems.length === 0) {
    log('info', 'database cluster: commits wait for a synchronous standby');
    return;
  }
  const message =
    `DATABASE_URL names several hosts, but a failover could lose acknowledged writes: ${problems.join('; ')}. ` +
    'Configure synchronous replication (docs/production.md), or set DATABASE_SYNC_STANDBY=warn to start anyway.';
  if (mode === 'require') throw new ClusterConfigError(message);
  log('error', `UNSAFE database cluster: ${message}`);
}
