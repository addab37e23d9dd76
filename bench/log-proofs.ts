/**
 * The proof half of the log benchmark, run by bench/log.ts in a process of its own: a server
 * process that opens the integrated log, not the process that has just seeded and integrated
 * ten million events (whose heap and connections would be measured along with the proofs).
 * Times inclusion- and consistency-proof requests one at a time through the HTTP routes
 * in-process (`app.request`): for each kind a warm-up series right after the start (reported,
 * not judged), then the measured series of a server in steady state. Then checks every tenth
 * measured proof with the SDK's verifiers against the signed roots, and prints the latencies
 * as one JSON line on stdout.
 *
 * Environment (set by bench/log.ts): BENCH_LOG_DB_URL, BENCH_LOG_KEK (hex), BENCH_LOG_PROOFS,
 * BENCH_LOG_WARMUP.
 */
import { pathToFileURL } from 'node:url';
import { fromB64, leafHash, verifyConsistency, verifyInclusion } from '@permis/sdk/verify';
import { openKeyRing } from '../src/keys/open-key-ring.js';
import { systemClock, systemRandom } from '../src/domain/runtime.js';
import { nodeSha256 } from '../src/entry/node-sha256.js';
import { createApp } from '../src/entry/app.js';
import type { AppDeps } from '../src/core/deps.js';
import { openPostgres } from '../src/storage/postgres.js';
import type { Percentiles, ProofLatency } from './log-report.js';
import { progressBar } from './progress.js';

/** What the proof process reports. */
export interface ProofResults {
  inclusion: ProofLatency;
  consistency: ProofLatency;
}

/** The app configuration of the log benchmark's processes (the integrator and the proofs). */
export function logBenchConfig(): AppDeps['config'] {
  return {
    publicUrl: 'http://localhost:8787',
    rpId: 'localhost',
    rpName: 'Permís (log benchmark)',
    sessionTtlSeconds: 3600,
    challengeTtlSeconds: 300,
    bodyLimitBytes: 256 * 1024,
    jurisdiction: 'ES',
    pairwiseSecret: systemRandom.bytes(32),
  };
}

/** Measures `count` proofs of each kind, each after `warmup` more, on the integrated log at `url`. */
export async function measureProofs(url: string, kek: Uint8Array, count: number, warmup: number): Promise<ProofResults> {
  const db = openPostgres({ url, max: 4 });
  try {
    const deps: AppDeps = {
      db,
      keys: await openKeyRing(db, { kek, clock: systemClock, random: systemRandom }),
      clock: systemClock,
      random: systemRandom,
      sha256: nodeSha256,
      config: logBenchConfig(),
    };
    const checkpoints = await db.query<{ tree_size: bigint; root: Uint8Array }>('select tree_size, root from log_checkpoints where tree_size > 0 order by tree_size');
    const roots = new Map(checkpoints.map((c) => [BigInt(c.tree_size), new Uint8Array(c.root)]));
    const sizes = [...roots.keys()];
    const size = sizes[sizes.length - 1]!;
    const latestRoot = roots.get(size)!;

    const app = createApp(deps);
    const get = async (path: string): Promise<unknown> => {
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    const randomBelow = (n: bigint) => BigInt(Math.floor(Math.random() * Number(n)));
    const VERIFY_EVERY = 10;

    // Every tenth proof is checked after the timed run, so that the leaf reads the checks need
    // do not disturb the series being timed (the cache state a proof finds is the proofs' own).
    type InclusionBody = { index: string; treeSize: string; leafHash: string; proof: string[] };
    type ConsistencyBody = { from: string; proof: string[] };
    const toCheckInclusion: InclusionBody[] = [];
    const toCheckConsistency: ConsistencyBody[] = [];

    // Inclusion proofs of random leaves in the whole tree (as a citizen's access log asks).
    const inclusion = await measure('inclusion proofs', count, warmup, async (k, timed) => {
      const index = randomBelow(size);
      const body = (await timed(() => get(`/v1/log/proof/inclusion?index=${index}&treeSize=${size}`))) as InclusionBody;
      if (k % VERIFY_EVERY === 0) toCheckInclusion.push(body);
      return body.proof.length;
    });
    // Consistency proofs from a random signed checkpoint to the latest (as a monitor asks).
    const consistency = await measure('consistency proofs', count, warmup, async (k, timed) => {
      const from = sizes[Math.floor(Math.random() * (sizes.length - 1))] ?? size;
      const body = (await timed(() => get(`/v1/log/proof/consistency?from=${from}&to=${size}`))) as ConsistencyBody;
      if (k % VERIFY_EVERY === 0) toCheckConsistency.push(body);
      return body.proof.length;
    });

    // The leaf hash must be the hash of the leaf data a monitor reads, and the path must lead
    // to the signed root; a consistency proof must link the two signed roots.
    for (const body of toCheckInclusion) {
      const index = BigInt(body.index);
      const leavesBody = (await get(`/v1/log/leaves?start=${index}&end=${index + 1n}`)) as { leaves: { data: string }[] };
      const hash = await leafHash(fromB64(leavesBody.leaves[0]!.data));
      if (Buffer.compare(hash, fromB64(body.leafHash)) !== 0) throw new Error(`leaf ${index}: the served leaf hash is not the hash of the leaf data`);
      await verifyInclusion(hash, index, size, body.proof.map(fromB64), latestRoot);
    }
    for (const body of toCheckConsistency) {
      const from = BigInt(body.from);
      await verifyConsistency(from, size, body.proof.map(fromB64), roots.get(from)!, latestRoot);
    }
    inclusion.verified = toCheckInclusion.length;
    consistency.verified = toCheckConsistency.length;
    return { inclusion, consistency };
  } finally {
    await db.close();
  }
}

type Timed = <T>(f: () => Promise<T>) => Promise<T>;

/**
 * Runs `warmup` proofs, then `count` more, one at a time; only the `timed` part of each is
 * measured, each series on its own. `one` gets the proof's number in the measured series (-1
 * during the warm-up) and resolves with the proof's length in hashes.
 */
async function measure(label: string, count: number, warmup: number, one: (k: number, timed: Timed) => Promise<number>): Promise<ProofLatency> {
  const series = async (name: string, n: number, measured: boolean) => {
    const bar = progressBar(name, n, 'proofs');
    const lat: number[] = [];
    let hashes = 0;
    const timed: Timed = async (f) => {
      const t = performance.now();
      try {
        return await f();
      } finally {
        lat.push(performance.now() - t);
      }
    };
    for (let k = 0; k < n; k++) {
      hashes += await one(measured ? k : -1, timed);
      bar.tick(1);
    }
    bar.done();
    return { latency: percentiles(lat), hashes };
  };
  const first = await series(`${label} (warm-up)`, warmup, false);
  const { latency, hashes } = await series(label, count, true);
  return { ...latency, warmup: first.latency, verified: 0, meanHashes: hashes / count };
}

/** Percentiles of `lat` (nearest rank); NaN for an empty series. */
function percentiles(lat: number[]): Percentiles {
  lat.sort((a, b) => a - b);
  const q = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)]! : NaN);
  return { count: lat.length, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: lat.length ? lat[lat.length - 1]! : NaN };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.BENCH_LOG_DB_URL;
  if (!url) throw new Error('BENCH_LOG_DB_URL is not set (bench/log.ts sets it)');
  const kek = new Uint8Array(Buffer.from(process.env.BENCH_LOG_KEK ?? '', 'hex'));
  const proofs = Number(process.env.BENCH_LOG_PROOFS ?? 2000);
  const results = await measureProofs(url, kek, proofs, Number(process.env.BENCH_LOG_WARMUP ?? proofs));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
