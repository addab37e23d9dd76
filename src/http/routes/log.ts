import { createRoute, z } from '@hono/zod-openapi';
import { checkpointVerifierKey } from '../../crypto/checkpoint.js';
import { buildLeafWith } from '../../crypto/log-leaf.js';
import { consistencyProofPlan, inclusionProofPlan, type NodeId } from '../../crypto/merkle/index.js';
import { b64 } from '@permis/sdk/encoding';
import { ConflictError, NotFoundError, PermisError, RuleError, UnavailableError, ValidationError } from '../../domain/errors.js';
import { leafIndexOfEvent, leafRows, MissingNodeError, type ProofReads, proofReads } from '../../storage/log-repo.js';
import { latestPublishedCheckpoint } from '../../storage/log-publication.js';
import { configuredLogOrigin, logOrigin } from '../../log/log-origin.js';
import { latestWitnessedCheckpoint, withCosignatures } from '../../log/witnessed-checkpoint.js';
import type { Sql } from '../../storage/db.js';
import { newRouter } from '../router.js';
import { json as jsonContent } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { problemResponses } from '../problem.js';
import { ConsistencyProof, ConsistencyQuery, InclusionProof, InclusionQuery, Leaves, LeavesQuery } from '../schemas/log.js';

const tags = ['transparency log'];
const IMMUTABLE = 'public, max-age=31536000, immutable';
const TEXT = 'text/plain; charset=utf-8';
const textContent = (example: string) => ({ 'text/plain': { schema: z.string().openapi({ example }) } });

/** What a lagging read replica answers that the primary may not: asked again there. */
const CAUGHT_UP_ON_PRIMARY = new Set<string>(['beyond_tree_size', 'not_ready', 'not_found', 'not_yet_integrated']);

/** Anyone may audit the log, from any origin. */
const publicHeaders = { 'Access-Control-Allow-Origin': '*' };

/** 400 `beyond_tree_size`: the log has not (yet) signed a tree that large. */
class BeyondTreeSizeError extends RuleError {
  constructor(field: string, size: bigint) {
    super('beyond_tree_size', `${field} is beyond the latest checkpoint, whose tree has ${size} leaves.`, { treeSize: size.toString() });
  }
}

/** 503 `not_ready`: no checkpoint has been signed yet. */
const notReady = () => new UnavailableError('No checkpoint has been signed yet; try again in a moment.', 'not_ready');

/** The latest published checkpoint's tree size, or 503 `not_ready` before the first checkpoint. */
async function currentSize(sql: Sql): Promise<{ size: bigint; note: string }> {
  const cp = await latestPublishedCheckpoint(sql);
  if (!cp) throw notReady();
  return { size: cp.treeSize, note: cp.note };
}

/** The latest published checkpoint with every witness cosignature obtained for it. */
async function currentCosigned(sql: Sql): Promise<string> {
  const cp = await latestPublishedCheckpoint(sql);
  if (!cp) throw notReady();
  return withCosignatures(sql, cp);
}

/** The hashes of `ids` from `reads`; a node missing below the latest checkpoint is a damaged log (500). */
function nodeHashes(ids: readonly NodeId[], reads: ProofReads): Uint8Array[] {
  return reads.hashes.map((h, i) => {
    if (!h) throw new MissingNodeError(ids[i]!);
    return h;
  });
}

/**
 * The transparency log: the latest signed checkpoint, the verifier key, inclusion
 * and consistency proofs (RFC 9162 §2.1.3, §2.1.4) and raw leaf data. Public and read-only;
 * answers about a fixed tree size are immutable and cacheable forever.
 */
export function logRoutes(deps: AppDeps) {
  const r = newRouter();
  const origin = configuredLogOrigin(deps.config); // for the examples only
  /**
   * Runs a read on the read replica when there is one (answers about a fixed tree size never
   * change); if the replica has not caught up with what was asked (a size, an event), asks the
   * primary.
   */
  const read = async <T>(work: (sql: Sql) => Promise<T>): Promise<T> => {
    if (!deps.readDb || deps.readDb === deps.db) return work(deps.db);
    try {
      return await work(deps.readDb);
    } catch (err) {
      if (err instanceof PermisError && CAUGHT_UP_ON_PRIMARY.has(err.code)) return work(deps.db);
      throw err;
    }
  };

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/checkpoint',
      tags,
      security: [],
      summary: 'The latest signed checkpoint',
      description:
        'A C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the origin, the tree size, the base64 RFC 6962 root hash, a blank ' +
        'line, and an Ed25519 signature line of the C2SP signed-note format, followed by a `cosignature/v1` line (c2sp.org/tlog-cosignature) ' +
        'of every configured witness that has cosigned this checkpoint so far. Verify it with the key from `GET /v1/log/key`, or with a ' +
        'tlog-policy to also require a quorum of witnesses.',
      responses: {
        200: { description: 'The signed checkpoint note', content: textContent(`${origin}\n4\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n\n— ${origin} …\n`) },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const note = await read(currentCosigned);
      return c.text(note, 200, { 'Content-Type': TEXT, 'Cache-Control': 'no-cache', ...publicHeaders });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/checkpoint/witnessed',
      tags,
      security: [],
      summary: 'The latest checkpoint cosigned by a quorum of witnesses',
      description:
        'The latest checkpoint whose witness cosignatures (c2sp.org/tlog-cosignature) meet the quorum of the log’s witness policy ' +
        '(c2sp.org/tlog-policy, `WITNESS_POLICY`), with those cosignatures: what a client enforcing the policy accepts. It may be older than ' +
        '`GET /v1/log/checkpoint` while witnesses catch up. 404 when no checkpoint has met the quorum yet or no witness is configured.',
      responses: {
        200: { description: 'The cosigned checkpoint note', content: textContent(`${origin}\n4\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n\n— ${origin} …\n— witness.example …\n`) },
        ...problemResponses(404),
      },
    }),
    async (c) => {
      const cp = await latestWitnessedCheckpoint(deps.db, deps.config.witnesses);
      if (!cp) throw new NotFoundError('checkpoint cosigned by a quorum of witnesses');
      return c.text(cp.note, 200, { 'Content-Type': TEXT, 'Cache-Control': 'no-cache', ...publicHeaders });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/key',
      tags,
      security: [],
      summary: 'The checkpoint verifier key',
      description:
        'The log\'s public key in the signed-note verifier-key format `<name>+<key id>+<base64(0x01 ‖ Ed25519 public key)>`, ' +
        'where the name is the log origin and the key id is the hex of the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key) ' +
        '(c2sp.org/signed-note). Pin it: a monitor that fetches it again on every run trusts the server. It changes when the ' +
        'checkpoint key is rotated; the same public key is in the JWKS (`/.well-known/jwks.json`).',
      responses: {
        200: { description: 'The verifier key, one line', content: textContent(`${origin}+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`) },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const vkey = await checkpointVerifierKey(deps.keys, await logOrigin(deps));
      return c.text(`${vkey}\n`, 200, { 'Content-Type': TEXT, 'Cache-Control': 'public, max-age=300', ...publicHeaders });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/proof/inclusion',
      tags,
      security: [],
      summary: 'Inclusion proof of a leaf',
      description: 'By leaf `index` or by audit `eventId`, in the tree of `treeSize` leaves (default: the latest checkpoint).',
      request: { query: InclusionQuery },
      responses: {
        200: { description: 'The inclusion proof', content: jsonContent(InclusionProof) },
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return read(async (db) => {
        // Index and tree size given (a monitor, the benchmark): one query reads the latest size
        // and the nodes. Otherwise the checkpoint, and the event's leaf index, come first.
        let latest: bigint | undefined;
        let treeSize: bigint;
        let index: bigint;
        if (q.treeSize !== undefined && q.index !== undefined) {
          treeSize = BigInt(q.treeSize);
          index = BigInt(q.index);
        } else {
          latest = (await currentSize(db)).size;
          treeSize = q.treeSize === undefined ? latest : BigInt(q.treeSize);
          if (treeSize > latest) throw new BeyondTreeSizeError('treeSize', latest);
          if (q.eventId !== undefined) {
            const found = await leafIndexOfEvent(db, q.eventId);
            if (found === undefined) throw new NotFoundError('event');
            if (found === null) {
              throw new ConflictError('not_yet_integrated', 'The event is not integrated yet; try again in a second.');
            }
            index = found;
          } else {
            index = BigInt(q.index!);
          }
        }
        const plan = index < treeSize ? inclusionProofPlan(index, treeSize) : undefined;
        // The leaf hash is the tree's own: node (0, index), stored when the leaf was integrated
        // (RFC 9162 §2.1.1), read with the path. A monitor checks it against the leaf data.
        const leafNode = { level: 0, index };
        const reads = plan ? await proofReads(db, [...plan.nodes, leafNode]) : undefined;
        if (latest === undefined) {
          latest = reads ? reads.latest : (await latestPublishedCheckpoint(db))?.treeSize;
          if (latest === undefined) throw notReady();
          if (treeSize > latest) throw new BeyondTreeSizeError('treeSize', latest);
        }
        if (!plan || !reads) {
          const field = q.eventId !== undefined ? 'query.treeSize' : 'query.index';
          throw new ValidationError(`${field}: leaf ${index} is not in a tree of ${treeSize} leaves`, [
            { field, message: `leaf ${index} is not below the tree size ${treeSize}` },
          ]);
        }
        const hashes = nodeHashes([...plan.nodes, leafNode], reads);
        const leafHash = hashes.pop()!;
        const proof = await plan.finish(hashes, deps.sha256);
        const body = { index: index.toString(), treeSize: treeSize.toString(), leafHash: b64(leafHash), proof: proof.map(b64) };
        return c.json(body, 200, { 'Cache-Control': q.treeSize !== undefined ? IMMUTABLE : 'no-cache', ...publicHeaders });
      });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/proof/consistency',
      tags,
      security: [],
      summary: 'Consistency proof between two tree sizes',
      description: 'Proves that the tree of `from` leaves is a prefix of the tree of `to` leaves.',
      request: { query: ConsistencyQuery },
      responses: {
        200: { description: 'The consistency proof', content: jsonContent(ConsistencyProof) },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return read(async (db) => {
        const from = BigInt(q.from);
        const to = BigInt(q.to);
        // One query: the latest size and the proof's nodes.
        const plan = consistencyProofPlan(from, to);
        const reads = await proofReads(db, plan.nodes);
        if (reads.latest === undefined) throw notReady();
        if (to > reads.latest) throw new BeyondTreeSizeError('to', reads.latest);
        const proof = await plan.finish(nodeHashes(plan.nodes, reads), deps.sha256);
        return c.json({ from: q.from, to: q.to, proof: proof.map(b64) }, 200, { 'Cache-Control': IMMUTABLE, ...publicHeaders });
      });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/log/leaves',
      tags,
      security: [],
      summary: 'Raw leaf data by index range',
      description: `Leaves [start, end), at most ${1000} per call, for monitors that recompute the tree. \`end\` may not exceed the latest checkpoint.`,
      request: { query: LeavesQuery },
      responses: {
        200: { description: 'The leaves, in leaf order', content: jsonContent(Leaves) },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      return read(async (db) => {
        const { size: latest } = await currentSize(db);
        const start = BigInt(q.start);
        const end = BigInt(q.end);
        if (end > latest) throw new BeyondTreeSizeError('end', latest);
        const rows = await leafRows(db, start, end);
        const leaves = await Promise.all(rows.map(async (row) => ({ index: row.leafIndex!.toString(), data: b64((await buildLeafWith(row, deps.sha256)).data) })));
        // A gap would be a damaged log: serve what is there, uncached, and let the monitor see it.
        const complete = BigInt(leaves.length) === end - start;
        return c.json({ start: q.start, end: q.end, leaves }, 200, { 'Cache-Control': complete ? IMMUTABLE : 'no-store', ...publicHeaders });
      });
    },
  );

  return r;
}
