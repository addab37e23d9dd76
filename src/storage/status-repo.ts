import type { Sql } from './db.js';

/** What the operators' gauges show about the background work, read in one statement. */
export interface BackgroundStatus {
  /** Events queued for the transparency log. */
  logPending: number;
  /** Leaves in the latest checkpoint (0 before the first). */
  treeSize: bigint;
  /** When the latest checkpoint was signed, if ever. */
  checkpointAt: Date | null;
  /** Webhook messages still to deliver. */
  webhookBacklog: number;
}

/** Reads the log queue, the latest checkpoint and the webhook backlog (for /metrics). */
export async function readBackgroundStatus(sql: Sql): Promise<BackgroundStatus> {
  const [row] = await sql.query<{ pending: string; tree_size: bigint | null; created_at: Date | string | null; backlog: string }>(
    `select (select count(*) from log_pending)::text as pending,
            c.tree_size, c.created_at,
            (select count(*) from webhook_outbox where delivery_status = 'pending')::text as backlog
       from (select 1) one
       left join lateral (select tree_size, created_at from log_checkpoints order by tree_size desc limit 1) c on true`,
  );
  return {
    logPending: Number(row?.pending ?? 0),
    treeSize: row?.tree_size ?? 0n,
    checkpointAt: row?.created_at == null ? null : new Date(row.created_at),
    webhookBacklog: Number(row?.backlog ?? 0),
  };
}
