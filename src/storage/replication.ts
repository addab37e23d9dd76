/** What the connected PostgreSQL server says about its replication (for the start-up check). */
import type { Sql } from './db.js';

/** The server's replication settings and, when this role may see them, its synchronous standbys. */
export interface ReplicationState {
  /** True on a standby (in recovery). */
  inRecovery: boolean;
  /** `synchronous_commit` for this session (role and database settings included). */
  synchronousCommit: string;
  /** `synchronous_standby_names`; empty means commits wait for no standby. */
  synchronousStandbyNames: string;
  /** Synchronous (or quorum) standbys streaming now; null when this role may not see them (needs pg_read_all_stats). */
  syncStandbysStreaming: number | null;
}

/** Reads {@link ReplicationState} in one query. */
export async function replicationState(sql: Sql): Promise<ReplicationState> {
  const [r] = await sql.query<{ rec: boolean; sc: string; ssn: string; n: number | null }>(
    `select pg_is_in_recovery() as rec, current_setting('synchronous_commit') as sc,
       current_setting('synchronous_standby_names') as ssn,
       case when pg_has_role('pg_read_all_stats', 'usage')
         then (select count(*)::int from pg_stat_replication where sync_state in ('sync', 'quorum') and state = 'streaming') end as n`,
  );
  return { inRecovery: r!.rec, synchronousCommit: r!.sc, synchronousStandbyNames: r!.ssn.trim(), syncStandbysStreaming: r!.n == null ? null : Number(r!.n) };
}
