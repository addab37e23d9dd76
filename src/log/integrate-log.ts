/**
 * The log integrator: takes committed pending audit events in `seq` order off the
 * queue, gives them contiguous leaf indices (one narrow `log_leaves` row each, with a fresh
 * salt), stores the hashes of the subtrees they complete, and signs a C2SP checkpoint of the
 * new tree — one transaction per batch, under a transaction-scoped advisory lock, so one
 * integrator runs at a time on any number of replicas and a crash mid-batch leaves nothing
 * behind. Before signing it checks that the stored frontier still yields the previous
 * checkpoint's root, so every checkpoint extends the previous one.
 */
import { checkpointSigner, logOriginOf, parseCheckpoint, signCheckpoint } from '../crypto/checkpoint.js';
import { buildLeaf, leafHashOfEventSync, SALT_BYTES } from '../crypto/log-leaf.js';
import { bytesEqual, emptyRoot, extendTree, frontierNodes, leafHash, type SyncSha256, treeRoot } from '../crypto/merkle/index.js';
import { type NoteSigner, parseNote } from '../crypto/signed-note.js';
import type { AppDeps } from '../core/deps.js';
import type { Sql } from '../storage/db.js';
import {
  appendLeaves,
  insertCheckpoint,
  insertNodes,
  integratedCount,
  latestCheckpoint,
  LOG_INTEGRATOR_LOCK,
  type LeafRow,
  nodeReader,
  pendingEvents,
  replaceCheckpointNote,
  type StoredCheckpoint,
} from '../storage/log-repo.js';
import { InternalError } from '../domain/errors.js';

/** What the integrator needs from the app's dependencies. */
export type IntegratorDeps = Pick<AppDeps, 'db' | 'keys' | 'clock' | 'random' | 'config' | 'sha256'>;

/** Points inside a batch's transaction where {@link IntegratorOptions.onStage} is called. */
export type IntegratorStage = 'leaves-assigned' | 'nodes-stored' | 'checkpoint-stored';

/** Options for {@link integrateLog}. */
export interface IntegratorOptions {
  /** Most events per batch (one transaction, one checkpoint); default 1000. */
  batch?: number;
  /** Most batches per call; default: until no event is pending. */
  maxBatches?: number;
  /**
   * Called inside each batch's transaction after each stage; a throw aborts (rolls back)
   * the batch. For fault-injection tests; leave unset in production.
   */
  onStage?: (stage: IntegratorStage, tx: Sql) => void | Promise<void>;
  /**
   * A synchronous SHA-256 for the leaves, pseudonyms and nodes (the Node entry passes
   * `node:crypto`'s): the same log, several times faster than a WebCrypto promise per hash.
   * Default: `deps.sha256`, else WebCrypto.
   */
  sha256?: SyncSha256;
}

/**
 * The log is not in a state this integrator may extend (stored nodes or leaf indices
 * disagree with the last checkpoint). An operator problem: it refuses to sign anything.
 */
export class LogIntegrityError extends InternalError {
  constructor(message: string) {
    super('log_integrity', message);
  }
}

interface BatchResult {
  /** False when another integrator held the lock. */
  locked: boolean;
  added: number;
  /** The largest seq the batch took off the queue. */
  lastSeq?: bigint;
}

/**
 * Integrates pending events batch by batch until none is pending (or `maxBatches`), each
 * batch in its own transaction with its own signed checkpoint. Returns the tree size of the
 * latest checkpoint afterwards. Returns at once, changing nothing, if another integrator holds
 * the lock. Safe to call concurrently from any number of processes.
 */
export async function integrateLog(deps: IntegratorDeps, opts: IntegratorOptions = {}): Promise<bigint> {
  const batch = opts.batch ?? 1000;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError('batch must be a positive integer');
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  // The first batch reads the whole queue; the next ones continue after the last seq taken
  // (an event that commits late with a smaller seq waits for the next call's first batch).
  let after: bigint | undefined;
  for (let done = 0; done < maxBatches; done++) {
    const r = await deps.db.transaction((tx) => integrateBatch(tx, deps, batch, opts, after));
    if (!r.locked || r.added < batch) break;
    after = r.lastSeq;
  }
  return (await latestCheckpoint(deps.db))?.treeSize ?? 0n;
}

async function integrateBatch(tx: Sql, deps: IntegratorDeps, batch: number, opts: IntegratorOptions, after?: bigint): Promise<BatchResult> {
  const [lock] = await tx.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [LOG_INTEGRATOR_LOCK]);
  if (!lock?.ok) return { locked: false, added: 0 };
  const origin = logOriginOf(deps.config.publicUrl);
  const signer = await checkpointSigner(deps.keys, origin);
  const now = deps.clock.now();

  let last = await latestCheckpoint(tx);
  if (!last) {
    // The first checkpoint: the empty tree (RFC 9162 §2.1.1), so there is always one to serve.
    const root = await emptyRoot();
    last = { treeSize: 0n, root, note: await signCheckpoint({ origin, size: 0n, root }, signer), createdAt: now };
    await insertCheckpoint(tx, last);
  }
  const size = last.treeSize;
  const integrated = await integratedCount(tx);
  if (integrated !== size) {
    throw new LogIntegrityError(`the last checkpoint has ${size} leaves but ${integrated} events have leaf indices`);
  }
  const frontierIds = frontierNodes(size);
  const frontierHashes = frontierIds.length ? await nodeReader(tx)(frontierIds) : [];
  const tree = { size, frontier: frontierIds.map((id, i) => ({ ...id, hash: frontierHashes[i]! })) };
  if (!bytesEqual(await treeRoot(tree), last.root)) {
    throw new LogIntegrityError(`the stored nodes do not yield the root of the checkpoint at size ${size}`);
  }

  const events = await pendingEvents(tx, batch, after);
  if (events.length === 0) {
    await resignIfStale(tx, last, origin, signer);
    return { locked: true, added: 0 };
  }
  // Each chunk's leaves are sent as soon as they are built (one connection, so the statements
  // run in order; the driver overlaps them with hashing only as far as it can write ahead).
  // Everything stays in this batch's transaction.
  const sha = opts.sha256 ?? deps.sha256;
  const appending: Promise<number>[] = [];
  const hashes: Uint8Array[] = [];
  for (let from = 0; from < events.length; from += APPEND_CHUNK) {
    const part = events.slice(from, from + APPEND_CHUNK);
    const salts = drawSalts(deps.random, part.length);
    for (const h of await leafHashes(part, salts, sha)) hashes.push(h);
    appending.push(settledLater(appendLeaves(tx, size + BigInt(from), part.map((e) => e.seq), salts)));
  }
  const grown = await extendTree(tree, hashes, sha);
  const storing = settledLater(insertNodes(tx, grown.nodes));
  const taken = (await Promise.all(appending)).reduce((a, n) => a + n, 0);
  if (taken !== events.length) throw new LogIntegrityError('events were integrated by someone else during this batch');
  await opts.onStage?.('leaves-assigned', tx);
  await storing;
  await opts.onStage?.('nodes-stored', tx);

  const root = await treeRoot(grown.tree);
  const note = await signCheckpoint({ origin, size: grown.tree.size, root }, signer);
  await insertCheckpoint(tx, { treeSize: grown.tree.size, root, note, createdAt: now });
  await opts.onStage?.('checkpoint-stored', tx);
  return { locked: true, added: events.length, lastSeq: events[events.length - 1]!.seq };
}

/** Events per leaf-append statement inside a batch. */
const APPEND_CHUNK = 2000;

/** Most bytes per call of `random.bytes` (getRandomValues gives at most 65,536 bytes a call). */
const RANDOM_DRAW = 65_536;

/** `n` fresh 32-byte salts, concatenated. */
function drawSalts(random: IntegratorDeps['random'], n: number): Uint8Array {
  const out = new Uint8Array(n * SALT_BYTES);
  for (let at = 0; at < out.length; at += RANDOM_DRAW) out.set(random.bytes(Math.min(RANDOM_DRAW, out.length - at)), at);
  return out;
}

/** The leaf hashes of `events`, event `i` given the salt at `salts[32i …]` (set on the event). */
async function leafHashes(events: LeafRow[], salts: Uint8Array, sha?: SyncSha256): Promise<Uint8Array[]> {
  events.forEach((e, i) => (e.salt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES)));
  if (sha) return events.map((e) => leafHashOfEventSync(e, sha));
  return Promise.all(events.map(async (e) => leafHash((await buildLeaf(e)).data)));
}

/** `p`, marked handled now (it is awaited later; a rejection meanwhile must not count as unhandled). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Signs the latest tree again when its note is not signed by the active checkpoint key under
 * the current origin (after a key rotation): same size, same root, so never inconsistent.
 */
async function resignIfStale(tx: Sql, last: StoredCheckpoint, origin: string, signer: NoteSigner): Promise<void> {
  const cp = parseCheckpoint(last.note);
  const sigs = parseNote(last.note).signatures;
  const current = cp.origin === origin && sigs.some((s) => s.name === signer.name && bytesEqual(s.keyId, signer.keyId));
  if (current) return;
  const note = await signCheckpoint({ origin, size: last.treeSize, root: last.root }, signer);
  await replaceCheckpointNote(tx, last.treeSize, last.root, note);
}
