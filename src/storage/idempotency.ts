import { ConflictError } from '../domain/errors.js';
import type { Sql } from './db.js';

/** An `Idempotency-Key` presented with a creating POST (draft-ietf-httpapi-idempotency-key-header). */
export interface IdempotencyKey {
  /** Who sent it and to which route: keys are per caller and per operation. */
  scope: string;
  key: string;
  /** SHA-256 of the request body, to detect reuse of a key with another payload. */
  requestHash: string;
}

/** A stored or fresh response. */
export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * Runs `create` at most once per key, inside the caller's transaction, so the stored
 * response commits together with what it created. A retry with the same key gets the first
 * response back; the same key with a different body is refused (422), per the IETF draft §2.7.
 * Concurrent duplicates wait on the primary key and then replay.
 */
export async function idempotent<T>(
  tx: Sql,
  key: IdempotencyKey | undefined,
  now: Date,
  create: () => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (!key) return { ...(await create()), replayed: false };
  const inserted = await tx.query(
    `insert into idempotency_keys (scope, key, request_hash, created_at) values ($1,$2,$3,$4)
     on conflict (scope, key) do nothing returning key`,
    [key.scope, key.key, key.requestHash, now],
  );
  if (inserted.length === 0) {
    const rows = await tx.query<{ request_hash: string; status: number | null; body: T }>(
      'select request_hash, status, body from idempotency_keys where scope = $1 and key = $2',
      [key.scope, key.key],
    );
    const row = rows[0];
    if (!row || row.status === null) {
      throw new ConflictError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
    }
    if (row.request_hash !== key.requestHash) {
      throw new ConflictError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.');
    }
    return { status: row.status, body: row.body, replayed: true };
  }
  const result = await create();
  await tx.query('update idempotency_keys set status = $3, body = $4::jsonb where scope = $1 and key = $2', [
    key.scope,
    key.key,
    result.status,
    result.body,
  ]);
  return { ...result, replayed: false };
}
