import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { parseCheckpoint } from '../../src/crypto/checkpoint.js';
import { type HashedNode, rootFromLeaves, verifyConsistency } from '../../src/crypto/merkle/index.js';
import { verifyNote } from '../../src/crypto/signed-note.js';
import { systemRandom } from '../../src/domain/runtime.js';
import { uuidv7 } from '../../src/domain/ids.js';
import type { App } from '../../src/entry/app.js';
import { type AuditEvent, insertAuditEvent } from '../../src/storage/audit-repo.js';
import type { Sql } from '../../src/storage/db.js';
import type { Clock } from '../../src/domain/runtime.js';

/** Inserts `n` audit events (one per statement); returns their ids in insertion order. */
export async function insertEvents(sql: Sql, clock: Clock, n: number, make: (i: number) => Partial<AuditEvent> = () => ({})): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = uuidv7(clock, systemRandom);
    await insertAuditEvent(sql, {
      id,
      type: 'consent.checked',
      actorType: 'service',
      actorId: 'svc-test',
      serviceId: randomUUID(),
      requestId: `req-${i}`,
      data: { decision: i % 3 === 0 ? 'deny' : 'permit', purpose: 't-benefits', n: i },
      createdAt: clock.now(),
      ...make(i),
    });
    ids.push(id);
  }
  return ids;
}

/** A fetch that sends requests to the app in-process (for the CLI). */
export const appFetch = (app: App) => async (url: string, init?: RequestInit) => app.request(url, init);

/** GETs a JSON body from the app, expecting 200. */
export async function getJson<T = Record<string, unknown>>(app: App, path: string): Promise<T> {
  const res = await app.request(path);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as T;
}

/** The log as a verifier sees it over HTTP: the verified checkpoint and every leaf's data. */
export async function readLog(app: App) {
  const vkey = (await (await app.request('/v1/log/key')).text()).trim();
  const note = await (await app.request('/v1/log/checkpoint')).text();
  const cp = parseCheckpoint((await verifyNote(note, [vkey])).text);
  const leaves: Uint8Array[] = [];
  for (let s = 0n; s < cp.size; s += 1000n) {
    const e = s + 1000n < cp.size ? s + 1000n : cp.size;
    const body = await getJson<{ leaves: { index: string; data: string }[] }>(app, `/v1/log/leaves?start=${s}&end=${e}`);
    body.leaves.forEach((l, i) => expect(l.index).toBe((s + BigInt(i)).toString()));
    leaves.push(...body.leaves.map((l) => new Uint8Array(Buffer.from(l.data, 'base64'))));
  }
  return { vkey, note, checkpoint: cp, leaves };
}

/** Asserts the served leaves hash to the checkpoint's root and every stored checkpoint verifies and is consistent. */
export async function expectLogVerifies(app: App, sql: Sql): Promise<bigint> {
  const log = await readLog(app);
  expect(Buffer.from(await rootFromLeaves(log.leaves)).toString('base64')).toBe(Buffer.from(log.checkpoint.root).toString('base64'));
  const rows = await sql.query<{ tree_size: bigint; note: string }>('select tree_size, note from log_checkpoints order by tree_size');
  const cps = await Promise.all(rows.map(async (r) => parseCheckpoint((await verifyNote(r.note, [log.vkey])).text)));
  for (let i = 1; i < cps.length; i++) {
    const [a, b] = [cps[i - 1]!, cps[i]!];
    expect(b.size).toBeGreaterThan(a.size);
    expect(Buffer.from(await rootFromLeaves(log.leaves.slice(0, Number(a.size)))).equals(Buffer.from(a.root))).toBe(true);
    if (a.size === 0n) continue;
    const body = await getJson<{ proof: string[] }>(app, `/v1/log/proof/consistency?from=${a.size}&to=${b.size}`);
    await verifyConsistency(a.size, b.size, body.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64'))), a.root, b.root);
  }
  return log.checkpoint.size;
}

/** Empties the log and the events table, so tests can share one database. */
export async function resetLog(sql: Sql): Promise<void> {
  await sql.query('delete from audit_events');
  await sql.query('delete from log_pending');
  await sql.query('delete from log_leaves');
  await sql.query('delete from log_tiles');
  await sql.query('delete from log_checkpoints');
}

/** SQL: the number of stored subtree hashes (every tile's length / 32). */
export const STORED_NODES_SQL = 'select coalesce(sum(length(hashes)), 0) / 32 as n from log_tiles';

/**
 * SQL that overwrites the stored hash of node ($1 level, $2 index) with $3 (32 bytes), in place
 * in its tile: what someone editing the database by hand would do.
 */
export const SET_NODE_SQL = `update log_tiles t set hashes = overlay(t.hashes placing $3::bytea from s.pos * 32 + 1)
  from log_node_slot($1, $2) s where t.grp = s.grp and t.idx = s.tile and length(t.hashes) >= (s.pos + 1) * 32`;

/** Drops every stored subtree hash not complete in a tree of `size` leaves (a truncated tree). */
export async function truncateNodes(sql: Sql, size: number): Promise<void> {
  const kept = `select s.grp, s.tile, max(s.pos) + 1 as n
    from generate_series(0, 62) as l(level)
    cross join lateral generate_series(0::bigint, ($1::bigint >> l.level) - 1) as i(idx)
    cross join lateral log_node_slot(l.level, i.idx) s group by s.grp, s.tile`;
  await sql.query(`delete from log_tiles t where not exists (select 1 from (${kept}) k where k.grp = t.grp and k.tile = t.idx)`, [size]);
  await sql.query(`update log_tiles t set hashes = substring(t.hashes for k.n * 32) from (${kept}) k where k.grp = t.grp and k.tile = t.idx`, [size]);
}

/** Stores subtree hashes as the integrator did before migration 0011: one `log_nodes` row each. */
export async function insertLogNodesBefore0011(sql: Sql, nodes: readonly HashedNode[]): Promise<void> {
  for (const n of nodes) await sql.query('insert into log_nodes (level, idx, hash) values ($1, $2, $3)', [n.level, n.index.toString(), n.hash]);
}
