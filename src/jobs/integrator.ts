/**
 * The log integrator (DESIGN §6): takes committed pending audit events in `seq` order, gives
 * them contiguous leaf indices, stores the hashes of the subtrees they complete, and signs a
 * C2SP checkpoint of the new tree — one transaction per batch, under a transaction-scoped
 * advisory lock, so one integrator runs at a time on any number of replicas and a crash
 * mid-batch leaves nothing behind. Before signing it checks that the stored frontier still
 * yields the previous checkpoint's root, so every checkpoint extends the previous one.
 */
import { checkpointSigner, logOriginOf, parseCheckpoint, signCheckpoint } from '../crypto/checkpoint.js';
import { buildLeaf, buildLeafSync, SALT_BYTES } from '../crypto/log-leaf.js';
import { bytesEqual, emptyRoot, extendTree, frontierNodes, leafHash, leafHashSync, type SyncSha256, treeRoot } from '../crypto/merkle/index.js';
import { type NoteSigner, parseNote } from '../crypto/signed-note.js';
import type { AppDeps } from '../http/deps.js';
import type { Sql } from '../storage/db.js';
import {
  assignLeaves,
  insertCheckpoint,
  insertNodes,
  integratedCount,
  latestCheckpoint,
  LOG_INTEGRATOR_LOCK,
  type LeafAssignment,
  type LeafRow,
  nodeReader,
  pendingEvents,
  replaceCheckpointNote,
  type StoredCheckpoint,
} from '../storage/log-repo.js';

/** What the integrator needs from the app's dependencies. */
export type IntegratorDeps = Pick<AppDeps, 'db' | 'keys' | 'clock' | 'random' | 'config'>;

/** Points inside a batch's transaction where {@link IntegratorOptions.onStage} is called. */
export type IntegratorStage = 'leaves-assigned' | 'nodes-stored' | 'checkpoint-stored';

/** Options for {@link runIntegrator}. */
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
   * Default: WebCrypto.
   */
  sha256?: SyncSha256;
}

/**
 * The log is not in a state this integrator may extend (stored nodes or leaf indices
 * disagree with the last checkpoint). An operator problem: it refuses to sign anything.
 */
export class LogIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogIntegrityError';
  }
}

interface BatchResult {
  /** False when another integrator held the lock. */
  locked: boolean;
  added: number;
}

/**
 * Integrates pending events batch by batch until none is pending (or `maxBatches`), each
 * batch in its own transaction with its own signed checkpoint. Returns the tree size of the
 * latest checkpoint afterwards. Returns at once, changing nothing, if another integrator holds
 * the lock. Safe to call concurrently from any number of processes.
 */
export async function runIntegrator(deps: IntegratorDeps, opts: IntegratorOptions = {}): Promise<bigint> {
  const batch = opts.batch ?? 1000;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError('batch must be a positive integer');
  const maxBatches = opts.maxBatches ?? Number.POSITIVE_INFINITY;
  for (let done = 0; done < maxBatches; done++) {
    const r = await deps.db.transaction((tx) => integrateBatch(tx, deps, batch, opts));
    if (!r.locked || r.added < batch) break;
  }
  return (await latestCheckpoint(deps.db))?.treeSize ?? 0n;
}

async function integrateBatch(tx: Sql, deps: IntegratorDeps, batch: number, opts: IntegratorOptions): Promise<BatchResult> {
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

  const events = await pendingEvents(tx, batch);
  if (events.length === 0) {
    await resignIfStale(tx, last, origin, signer);
    return { locked: true, added: 0 };
  }
  // Each chunk's leaf indices are sent as soon as its leaves are built (one connection, so the
  // statements run in order; the driver overlaps them with hashing only as far as it can
  // write ahead). Everything stays in this batch's transaction.
  const assigning: Promise<number>[] = [];
  const hashes: Uint8Array[] = [];
  for (let from = 0; from < events.length; from += ASSIGN_CHUNK) {
    const part = await leafAssignments(events.slice(from, from + ASSIGN_CHUNK), size + BigInt(from), deps.random, opts.sha256);
    for (const l of part) hashes.push(l.hash);
    assigning.push(settledLater(assignLeaves(tx, part)));
  }
  const grown = await extendTree(tree, hashes, opts.sha256);
  const storing = settledLater(insertNodes(tx, grown.nodes));
  const changed = (await Promise.all(assigning)).reduce((a, n) => a + n, 0);
  if (changed !== events.length) throw new LogIntegrityError('events were integrated by someone else during this batch');
  await opts.onStage?.('leaves-assigned', tx);
  await storing;
  await opts.onStage?.('nodes-stored', tx);

  const root = await treeRoot(grown.tree);
  const note = await signCheckpoint({ origin, size: grown.tree.size, root }, signer);
  await insertCheckpoint(tx, { treeSize: grown.tree.size, root, note, createdAt: now });
  await opts.onStage?.('checkpoint-stored', tx);
  return { locked: true, added: events.length };
}

/** Events per leaf-assignment statement inside a batch. */
const ASSIGN_CHUNK = 2000;

/** Salts per call of `random.bytes` (getRandomValues gives at most 65,536 bytes a call). */
const SALTS_PER_DRAW = 2048;

/** A pending event's leaf: what {@link assignLeaves} stores, and its leaf hash. */
type BuiltLeaf = LeafAssignment & { hash: Uint8Array };

/** Builds the leaves of `events`, the first at index `first`, each with a fresh salt. */
async function leafAssignments(events: readonly LeafRow[], first: bigint, random: IntegratorDeps['random'], sha?: SyncSha256): Promise<BuiltLeaf[]> {
  let block: Uint8Array = new Uint8Array(0);
  const saltOf = (i: number) => {
    const k = i % SALTS_PER_DRAW;
    if (k === 0) block = random.bytes(SALT_BYTES * Math.min(SALTS_PER_DRAW, events.length - i));
    return block.slice(k * SALT_BYTES, (k + 1) * SALT_BYTES);
  };
  if (sha) {
    return events.map((e, i) => {
      const salt = saltOf(i);
      const leaf = buildLeafSync({ ...e, salt }, sha);
      return { id: e.id, leafIndex: first + BigInt(i), salt, pseudonyms: leaf.pseudonyms, hash: leafHashSync(sha, leaf.data) };
    });
  }
  return Promise.all(
    events.map(async (e, i) => {
      const salt = saltOf(i);
      const leaf = await buildLeaf({ ...e, salt });
      return { id: e.id, leafIndex: first + BigInt(i), salt, pseudonyms: leaf.pseudonyms, hash: await leafHash(leaf.data) };
    }),
  );
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
