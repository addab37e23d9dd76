/**
 * `permis log verify`: an independent check of a running Permís's transparency log over HTTP.
 * It fetches the latest checkpoint and checks its signature with a pinned key,
 * fetches every leaf and recomputes the RFC 9162 root, and checks that the log still extends
 * the checkpoint it saved last time (the saved root must be the root of the same first leaves,
 * and the server's consistency proof must verify), and checks inclusion proofs the server serves
 * (32 spread over the log, or all with --all-proofs) against the checkpoint, so damaged stored
 * tree nodes are caught, not only damaged leaves. Any mismatch exits non-zero.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from '../../crypto/checkpoint.js';
import { bytesEqual, EMPTY_TREE, extendTree, leafHash, treeRoot, type TreeFrontier, verifyConsistency, verifyInclusion } from '../../crypto/merkle/index.js';
import { NoteError, parseVerifierKey, verifyNote } from '../../crypto/signed-note.js';
import { b64, fromB64 } from '@permis/sdk/encoding';
import { FAILED, OK, showHelp, UsageError, usageFailure } from './common.js';

/** What the log command needs; tests pass an `app.request`-backed fetch and in-memory files. */
export interface LogCommandContext {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  out: (line: string) => void;
  /** Progress and errors; default `out`. */
  err?: (line: string) => void;
  /** Reads a file; resolves to undefined when it does not exist. */
  readFile: (path: string) => Promise<string | undefined>;
  /** Replaces a file's content (atomically, if the implementation can). */
  writeFile: (path: string, text: string) => Promise<void>;
  /** State file used when `--state` is not given. */
  defaultStatePath: string;
}

/** The help text of `permis log`. */
export const LOG_USAGE = `Usage: permis log verify [--url URL] [--state FILE] [--key VERIFIER_KEY] [--batch N] [--all-proofs]

Verifies a Permís transparency log over HTTP: the checkpoint's signature, the root over every
leaf, and consistency with the checkpoint saved in the state file by the previous run.

  --url URL          the server (default http://localhost:8787)
  --state FILE       where the pinned key and the last verified checkpoint are kept
                     (default data/log-state.json)
  --key KEY          the log's verifier key (<name>+<key id>+<base64 key>); pinned in the state
                     file. Without it, the pinned key is used, or the server's key is fetched
                     once and pinned (compare it with one published out of band)
  --batch N          leaves per request, 1-1000 (default 1000)
  --all-proofs       check the server's inclusion proof of every leaf against the checkpoint
                     (default: 32 leaves spread over the log)

Exit codes: 0 verified, 1 verification failed or the server could not be read, 2 usage error.`;

/** How many served inclusion proofs are checked without `--all-proofs`. */
const PROOF_SAMPLE = 32;

/** A verification finding: the log is not what it claims. */
class Mismatch extends Error {}

/** What the state file holds between runs. */
interface State {
  version: 1;
  url: string;
  verifierKey: string;
  /** The last verified checkpoint note. */
  checkpoint: string;
  verifiedAt: string;
}

function parseFlags(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (name === 'all-proofs' && eq === -1) {
      flags.set(name, 'true');
      continue;
    }
    if (!['url', 'state', 'key', 'batch'].includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

async function readState(ctx: LogCommandContext, path: string, url: string): Promise<State | undefined> {
  const text = await ctx.readFile(path);
  if (text === undefined) return undefined;
  let s: Partial<State>;
  try {
    s = JSON.parse(text) as Partial<State>;
  } catch {
    throw new UsageError(`the state file ${path} is not valid JSON`);
  }
  if (s.version !== 1 || typeof s.url !== 'string' || typeof s.verifierKey !== 'string' || typeof s.checkpoint !== 'string') {
    throw new UsageError(`the state file ${path} is not a permis log state file`);
  }
  if (s.url !== url) throw new UsageError(`the state file ${path} belongs to ${s.url}, not ${url}; use another --state`);
  return s as State;
}

async function get(ctx: LogCommandContext, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { headers: { accept: 'application/json, text/plain' } });
  } catch (e) {
    throw new Error(`cannot reach ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    let detail = body.slice(0, 200);
    try {
      detail = (JSON.parse(body) as { detail?: string }).detail ?? detail;
    } catch {
      // not a problem document
    }
    throw new Error(`GET ${url} answered ${res.status}: ${detail}`);
  }
  return res;
}

/** Recomputes the tree over every leaf; returns the root at `size` and at `savedSize` if inside. */
async function recomputeRoots(
  ctx: LogCommandContext,
  base: string,
  size: bigint,
  savedSize: bigint | undefined,
  batch: bigint,
): Promise<{ root: Uint8Array; savedRoot: Uint8Array | undefined; leafHashes: Uint8Array[] }> {
  const err = ctx.err ?? ctx.out;
  const leafHashes: Uint8Array[] = [];
  let tree: TreeFrontier = EMPTY_TREE;
  let savedRoot = savedSize === 0n ? await treeRoot(EMPTY_TREE) : undefined;
  let shownPercent = -1;
  const showProgress = size > batch;
  for (let start = 0n; start < size; start += batch) {
    const end = start + batch < size ? start + batch : size;
    const res = await get(ctx, `${base}/v1/log/leaves?start=${start}&end=${end}`);
    const body = (await res.json()) as { leaves?: { index?: unknown; data?: unknown }[] };
    const leaves = body.leaves ?? [];
    const hashes: Uint8Array[] = [];
    for (let i = 0; i < Number(end - start); i++) {
      const expected = start + BigInt(i);
      const leaf = leaves[i];
      if (!leaf || leaf.index !== expected.toString()) throw new Mismatch(`leaf ${expected} is missing from the log (got ${String(leaf?.index ?? 'nothing')})`);
      if (typeof leaf.data !== 'string') throw new Mismatch(`leaf ${expected} has no data`);
      hashes.push(await leafHash(fromB64(leaf.data)));
    }
    if (leaves.length !== hashes.length) throw new Mismatch(`the server sent ${leaves.length} leaves for [${start}, ${end})`);
    leafHashes.push(...hashes);
    // Split the page where the saved checkpoint ends, to get the root of exactly its leaves.
    if (savedSize !== undefined && savedSize > start && savedSize <= end) {
      const cut = Number(savedSize - start);
      tree = (await extendTree(tree, hashes.slice(0, cut))).tree;
      savedRoot = await treeRoot(tree);
      tree = (await extendTree(tree, hashes.slice(cut))).tree;
    } else {
      tree = (await extendTree(tree, hashes)).tree;
    }
    if (showProgress) {
      const percent = Number((end * 100n) / size);
      if (percent !== shownPercent) {
        shownPercent = percent;
        err(`verifying leaves: ${end}/${size} (${percent}%)`);
      }
    }
  }
  return { root: await treeRoot(tree), savedRoot, leafHashes };
}

/** Which leaves' inclusion proofs to check: all, or `sample` spread evenly from first to last. */
function sampleIndices(size: number, sample: number | 'all'): number[] {
  if (sample === 'all' || size <= sample) return Array.from({ length: size }, (_, i) => i);
  return [...new Set(Array.from({ length: sample }, (_, i) => Math.round((i * (size - 1)) / (sample - 1))))];
}

/**
 * Checks inclusion proofs the server serves against the verified checkpoint (RFC 9162
 * §2.1.3.2), and that each proof's `leafHash` is the hash recomputed from the leaf: a server
 * whose stored tree nodes are damaged, or that lies, serves proofs that fail here even when
 * its leaves are intact.
 */
async function checkServedProofs(ctx: LogCommandContext, base: string, cp: Checkpoint, leafHashes: readonly Uint8Array[], sample: number | 'all'): Promise<number> {
  const indices = sampleIndices(leafHashes.length, sample);
  for (const i of indices) {
    const res = await get(ctx, `${base}/v1/log/proof/inclusion?index=${i}&treeSize=${cp.size}`);
    const body = (await res.json()) as { leafHash?: unknown; proof?: unknown };
    if (typeof body.leafHash !== 'string' || !Array.isArray(body.proof) || body.proof.some((p) => typeof p !== 'string')) {
      throw new Mismatch(`the server sent a malformed inclusion proof for leaf ${i}`);
    }
    if (!bytesEqual(fromB64(body.leafHash), leafHashes[i]!)) throw new Mismatch(`the server's inclusion proof for leaf ${i} names leaf hash ${body.leafHash}, not the leaf's ${b64(leafHashes[i]!)}: its stored tree is damaged`);
    try {
      await verifyInclusion(leafHashes[i]!, BigInt(i), cp.size, (body.proof as string[]).map(fromB64), cp.root);
    } catch (e) {
      throw new Mismatch(`the server's inclusion proof for leaf ${i} does not verify against the checkpoint: ${(e as Error).message}; its stored tree is damaged`);
    }
  }
  return indices.length;
}

async function verify(ctx: LogCommandContext, flags: Map<string, string>): Promise<number> {
  const base = (flags.get('url') ?? 'http://localhost:8787').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(base)) throw new UsageError('--url must be an http(s) URL');
  const statePath = flags.get('state') ?? ctx.defaultStatePath;
  const batchFlag = flags.get('batch') ?? '1000';
  if (!/^[1-9][0-9]{0,3}$/.test(batchFlag) || Number(batchFlag) > 1000) throw new UsageError('--batch must be between 1 and 1000');
  const state = await readState(ctx, statePath, base);

  // The key: given, pinned, or fetched once and pinned (trust on first use).
  let verifierKey = flags.get('key') ?? state?.verifierKey;
  if (verifierKey === undefined) {
    verifierKey = (await (await get(ctx, `${base}/v1/log/key`)).text()).trim();
    ctx.out(`pinned the log's key from the server: ${verifierKey}`);
    ctx.out('  (compare it with the key published out of band; later runs will only trust this one)');
  } else if (state && verifierKey !== state.verifierKey) {
    ctx.out(`replacing the pinned key with ${verifierKey}`);
  }
  let verifier;
  try {
    verifier = await parseVerifierKey(verifierKey);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const note = await (await get(ctx, `${base}/v1/log/checkpoint`)).text();
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint((await verifyNote(note, [verifier])).text);
  } catch (e) {
    if (e instanceof NoteError) {
      const hint = e.reason === 'no_trusted_signature' ? ` (if the log's key was rotated, check ${base}/v1/log/key and pass it with --key)` : '';
      throw new Mismatch(`the checkpoint does not verify: ${e.message}${hint}`);
    }
    throw e;
  }
  if (cp.origin !== verifier.name) throw new Mismatch(`the checkpoint's origin ${cp.origin} is not the key's name ${verifier.name}`);
  ctx.out(`checkpoint: ${cp.origin}, ${cp.size} leaves, root ${b64(cp.root)} (signature verified)`);

  const saved = state ? parseCheckpoint(state.checkpoint) : undefined;
  if (saved) {
    if (saved.origin !== cp.origin) throw new Mismatch(`the saved checkpoint is of ${saved.origin}, this one of ${cp.origin}`);
    if (cp.size < saved.size) {
      throw new Mismatch(`the log shrank from ${saved.size} to ${cp.size} leaves since the saved checkpoint: it was truncated or forked`);
    }
  }

  const { root, savedRoot, leafHashes } = await recomputeRoots(ctx, base, cp.size, saved?.size, BigInt(batchFlag));
  if (!bytesEqual(root, cp.root)) throw new Mismatch(`the leaves hash to root ${b64(root)}, not the checkpoint's ${b64(cp.root)}: the log was altered`);
  ctx.out(`recomputed the root over all ${cp.size} leaves: it matches`);

  if (saved) {
    if (!savedRoot || !bytesEqual(savedRoot, saved.root)) {
      throw new Mismatch(`the first ${saved.size} leaves no longer hash to the saved checkpoint's root ${b64(saved.root)}: the log was forked or rewritten`);
    }
    if (saved.size > 0n && saved.size < cp.size) {
      const res = await get(ctx, `${base}/v1/log/proof/consistency?from=${saved.size}&to=${cp.size}`);
      const body = (await res.json()) as { proof?: unknown };
      if (!Array.isArray(body.proof) || body.proof.some((p) => typeof p !== 'string')) throw new Mismatch('the server sent a malformed consistency proof');
      try {
        await verifyConsistency(saved.size, cp.size, (body.proof as string[]).map(fromB64), saved.root, cp.root);
      } catch (e) {
        throw new Mismatch(`the server's consistency proof from ${saved.size} to ${cp.size} does not verify: ${(e as Error).message}`);
      }
    }
    ctx.out(`consistent with the saved checkpoint of ${saved.size} leaves`);
  }

  const proofs = await checkServedProofs(ctx, base, cp, leafHashes, flags.has('all-proofs') ? 'all' : PROOF_SAMPLE);
  ctx.out(`checked ${proofs} inclusion proofs served by the server against the checkpoint: they verify`);

  const next: State = { version: 1, url: base, verifierKey, checkpoint: note, verifiedAt: new Date().toISOString() };
  await ctx.writeFile(statePath, `${JSON.stringify(next, null, 2)}\n`);
  ctx.out(`OK: the log verifies; saved this checkpoint to ${statePath}`);
  return OK;
}

/**
 * Runs `permis log <args…>` (with or without the leading `log`) and returns the exit code:
 * 0 verified, 1 a mismatch or an unreachable server (message printed), 2 a usage error.
 */
export async function runLogCommand(args: string[], ctx: LogCommandContext): Promise<number> {
  const err = ctx.err ?? ctx.out;
  const rest = args[0] === 'log' ? args.slice(1) : args;
  const [command, ...tail] = rest;
  try {
    switch (command) {
      case 'verify':
        return await verify(ctx, parseFlags(tail));
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return showHelp(command, LOG_USAGE, ctx.out, err);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const usage = usageFailure(e, LOG_USAGE, err);
    if (usage !== undefined) return usage;
    if (e instanceof Mismatch) {
      err(`FAILED: ${e.message}`);
      return FAILED;
    }
    err(`error: ${(e as Error)?.message ?? String(e)}`);
    return FAILED;
  }
}

/** The Node.js context of `permis log`: global fetch, files on disk, state under DATA_DIR. */
export function nodeLogContext(out: (line: string) => void, err: (line: string) => void, dataDir = './data'): LogCommandContext {
  return {
    fetch: (url, init) => fetch(url, init),
    out,
    err,
    defaultStatePath: join(dataDir, 'log-state.json'),
    async readFile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async writeFile(path, text) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, text, 'utf8');
      await rename(tmp, path);
    },
  };
}
