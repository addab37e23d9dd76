/**
 * The citizen's access-log entries and their proofs: each integrated event
 * comes with its leaf data and an RFC 9162 §2.1.3 inclusion proof against the latest signed
 * checkpoint, so the citizen can check, trusting no one but the log's key, that the entry
 * is in the log everyone else sees.
 */
import { buildLeafWith } from '../crypto/log-leaf.js';
import { inclusionProof, leafHashWith, type NodeId, type NodeReader, type SyncSha256 } from '../crypto/merkle/index.js';
import { b64 } from '@permis/sdk/encoding';
import type { AccessLogRow } from '../storage/access-log-repo.js';
import type { AuditEvent } from '../storage/audit-repo.js';
import type { Sql } from '../storage/db.js';
import { latestCheckpoint, nodeReader } from '../storage/log-repo.js';
import { encodeCursor } from '../domain/cursor.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The entry as the citizen reads it: what happened, by whom, under which terms, with what answer. */
export function accessEventView(row: AccessLogRow) {
  const data = (row.data !== null && typeof row.data === 'object' ? row.data : {}) as Record<string, unknown>;
  return {
    id: row.id,
    type: row.type,
    time: new Date(row.createdAt).toISOString(),
    actorType: row.actorType as AuditEvent['actorType'],
    service: row.service,
    consentId: row.consentId,
    // A check names one purpose; transitions and requests list theirs.
    purposes: Array.isArray(data.purposes) ? strings(data.purposes) : typeof data.purpose === 'string' ? [data.purpose] : [],
    dataCategories: strings(data.dataCategories),
    processing: strings(data.processing),
    decision: data.decision === 'permit' ? ('permit' as const) : data.decision === 'deny' ? ('deny' as const) : null,
    reason: typeof data.reason === 'string' ? data.reason : null,
    redacted: row.redactedAt !== null,
    leafIndex: row.leafIndex === null ? null : row.leafIndex.toString(),
  };
}

/**
 * A NodeReader that collects the reads issued in one turn of the event loop and answers
 * them with one read of the distinct nodes: a page of proofs costs one query.
 */
function batchedReader(read: NodeReader): NodeReader {
  let queue: { ids: readonly NodeId[]; resolve: (h: Uint8Array[]) => void; reject: (e: unknown) => void }[] = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    const unique = new Map<string, NodeId>();
    for (const q of batch) for (const id of q.ids) unique.set(`${id.level}:${id.index}`, id);
    try {
      const ids = [...unique.values()];
      const hashes = await read(ids);
      const byKey = new Map(ids.map((id, i) => [`${id.level}:${id.index}`, hashes[i]!]));
      for (const q of batch) q.resolve(q.ids.map((id) => byKey.get(`${id.level}:${id.index}`)!));
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  };
  return (ids) =>
    new Promise((resolve, reject) => {
      queue.push({ ids, resolve, reject });
      if (queue.length === 1) void Promise.resolve().then(flush);
    });
}

/**
 * A page of the citizen's access log from `rows` (fetched with `limit + 1`): the latest
 * signed checkpoint (read after the rows, so it covers every leaf index they show), and per
 * entry its leaf data, leaf hash, inclusion proof and salt. Entries not yet integrated have
 * no leaf index and no proof. Hashes with `sha256` when the runtime injected one.
 */
export async function accessLogPage(sql: Sql, rows: AccessLogRow[], limit: number, sha256?: SyncSha256) {
  const page = rows.slice(0, limit);
  const cp = await latestCheckpoint(sql);
  const read = batchedReader(nodeReader(sql));
  const items = await Promise.all(
    page.map(async (row) => {
      const provable = cp !== undefined && row.leafIndex !== null && row.leafIndex < cp.treeSize;
      // The rows were read before the checkpoint, so every leaf index is below its size; shown with a proof or not at all.
      if (!provable) return { ...accessEventView(row), leafIndex: null, leafData: null, leafHash: null, inclusionProof: null, salt: null };
      const [leaf, proof] = await Promise.all([buildLeafWith(row, sha256), inclusionProof(row.leafIndex!, cp.treeSize, read, sha256)]);
      return {
        ...accessEventView(row),
        leafData: b64(leaf.data),
        leafHash: b64(await leafHashWith(leaf.data, sha256)),
        inclusionProof: proof.map(b64),
        salt: row.salt ? b64(row.salt) : null,
      };
    }),
  );
  return {
    checkpoint: cp?.note ?? null,
    treeSize: cp ? cp.treeSize.toString() : null,
    items,
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null,
  };
}
