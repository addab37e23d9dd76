/**
 * The transparency log's identity and which checkpoints may be served (migration
 * 0012_log_identity.sql): the origin fixed with the first checkpoint, and the `published` flag
 * that the integrator sets only once a checkpoint's commit is confirmed.
 */
import type { Sql } from './db.js';
import type { StoredCheckpoint } from './log-repo.js';

/** The log's stored origin; undefined before the first checkpoint. */
export async function storedLogOrigin(sql: Sql): Promise<string | undefined> {
  const rows = await sql.query<{ origin: string }>('select origin from log_identity');
  return rows[0]?.origin;
}

/**
 * Stores `origin` as the log's origin unless one is stored already; returns the stored one.
 * Run in the transaction of the first checkpoint (under the integrator's lock).
 */
export async function claimLogOrigin(sql: Sql, origin: string): Promise<string> {
  await sql.query('insert into log_identity (origin) values ($1) on conflict (only_row) do nothing', [origin]);
  return (await storedLogOrigin(sql))!;
}

const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : BigInt(v as string | number));
const bytes = (v: Uint8Array): Uint8Array => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));

/** The latest checkpoint that may be served, if any. */
export async function latestPublishedCheckpoint(sql: Sql): Promise<StoredCheckpoint | undefined> {
  const rows = await sql.query<{ tree_size: bigint; root: Uint8Array; note: string; created_at: Date | string }>(
    'select tree_size, root, note, created_at from log_checkpoints where published order by tree_size desc limit 1',
  );
  const r = rows[0];
  return r ? { treeSize: big(r.tree_size), root: bytes(r.root), note: r.note, createdAt: new Date(r.created_at) } : undefined;
}

/** The latest checkpoint's tree size if it is unpublished, else undefined. */
export async function unpublishedLatest(sql: Sql): Promise<bigint | undefined> {
  const rows = await sql.query<{ tree_size: bigint; published: boolean }>('select tree_size, published from log_checkpoints order by tree_size desc limit 1');
  return rows[0] && !rows[0].published ? big(rows[0].tree_size) : undefined;
}

/**
 * Publishes every checkpoint up to `size`. The caller must know that their commits are
 * confirmed: a later commit of its own session returned without a warning.
 */
export async function publishCheckpoints(sql: Sql, size: bigint): Promise<void> {
  await sql.query('update log_checkpoints set published = true where tree_size <= $1 and not published', [size.toString()]);
}

/**
 * A write whose only purpose is its commit: once it returns cleanly, everything committed
 * before it in this database is as durable as it is (write-ahead log order).
 */
export async function confirmingWrite(sql: Sql): Promise<void> {
  await sql.query('update log_identity set created_at = created_at');
}
