/**
 * The log asks its witnesses to cosign (c2sp.org/tlog-witness, as a client): after a checkpoint
 * is published, each configured witness (the `witness` lines of the tlog-policy in
 * `config.witnesses` that have a URL) gets it with a consistency proof from the size it last
 * cosigned — learned from its answers, including the `text/x.tlog.size` body of a 409 —
 * concurrently, each with a timeout and, after failures, an exponential backoff. Nothing here
 * runs inside the integrator: a witness that is down delays only its own cosignature.
 */
import type { Policy, PolicyWitness } from '@permis/sdk/verify';
import { b64 } from '@permis/sdk/encoding';
import { consistencyProof } from '../crypto/merkle/index.js';
import { verifyCosignatures } from '../crypto/cosignature.js';
import type { AppDeps } from '../core/deps.js';
import { latestPublishedCheckpoint } from '../storage/log-publication.js';
import { nodeReader } from '../storage/log-repo.js';
import { cosignaturesOf, insertCosignature, logWitnessStates, type LogWitnessState, recordWitnessAttempt } from '../storage/log-witness-repo.js';

/** Options for {@link submitToWitnesses}. */
export interface WitnessSubmissionOptions {
  /** The HTTP client (the global `fetch` in production). */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Longest wait for one witness's answer; default 5 s. */
  timeoutMs?: number;
  /** Longest backoff after repeated failures; default 300 s (the n-th failure waits 2^n s). */
  maxBackoffSeconds?: number;
}

/** What happened with one witness in one round. */
export interface WitnessOutcome {
  witness: string;
  outcome: 'cosigned' | 'already' | 'backoff' | 'failed';
  detail?: string;
}

/** The witnesses of `policy` the log submits to: those with a URL. */
export const submissionWitnesses = (policy: Policy | undefined): PolicyWitness[] => (policy?.witnesses ?? []).filter((w) => w.url !== undefined);

/**
 * One round: submits the latest published checkpoint to every witness that has not cosigned it
 * and is not backing off. Returns the tree size and each witness's outcome (undefined when
 * there is no witness or no checkpoint). Never throws for a witness's failure.
 */
export async function submitToWitnesses(deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'sha256'>, opts: WitnessSubmissionOptions): Promise<{ treeSize: bigint; outcomes: WitnessOutcome[] } | undefined> {
  const witnesses = submissionWitnesses(deps.config.witnesses);
  if (witnesses.length === 0) return undefined;
  const cp = await latestPublishedCheckpoint(deps.db);
  if (!cp) return undefined;
  const [states, have] = await Promise.all([logWitnessStates(deps.db), cosignaturesOf(deps.db, cp.treeSize)]);
  const outcomes = await Promise.all(
    witnesses.map(async (w): Promise<WitnessOutcome> => {
      if (have.has(w.vkey)) return { witness: w.name, outcome: 'already' };
      const state = states.get(w.vkey);
      if (backingOff(state, deps.clock.now(), opts.maxBackoffSeconds ?? 300)) return { witness: w.name, outcome: 'backoff' };
      try {
        const line = await cosign(deps, w, cp, state?.treeSize ?? 0n, opts);
        await insertCosignature(deps.db, cp.treeSize, w.vkey, line, deps.clock.now());
        await recordWitnessAttempt(deps.db, w.vkey, deps.clock.now(), { treeSize: cp.treeSize, error: null, success: true });
        return { witness: w.name, outcome: 'cosigned' };
      } catch (e) {
        const detail = e instanceof WitnessAnswer ? e.message : `unreachable: ${(e as Error)?.message ?? String(e)}`;
        await recordWitnessAttempt(deps.db, w.vkey, deps.clock.now(), { ...(e instanceof WitnessAnswer && e.size !== undefined ? { treeSize: e.size } : {}), error: detail, success: false });
        return { witness: w.name, outcome: 'failed', detail };
      }
    }),
  );
  return { treeSize: cp.treeSize, outcomes };
}

/** After n consecutive failures, the next attempt waits 2^n seconds (at most `max`). */
function backingOff(state: LogWitnessState | undefined, now: Date, max: number): boolean {
  if (!state || state.failures === 0 || !state.lastAttemptAt) return false;
  const wait = Math.min(2 ** state.failures, max) * 1000;
  return now.getTime() < state.lastAttemptAt.getTime() + wait;
}

/** A witness answered, but not with a cosignature; `size` is what a 409 said it has. */
class WitnessAnswer extends Error {
  constructor(
    message: string,
    readonly size?: bigint,
  ) {
    super(message);
  }
}

/**
 * Submits `cp` to `w` from `old`; on a 409 retries once from the size the witness reported.
 * Returns the witness's valid cosignature line (lines of unknown keys are ignored, per the
 * spec; a line of its key that does not verify is a failure).
 */
async function cosign(
  deps: Pick<AppDeps, 'db' | 'sha256'>,
  w: PolicyWitness,
  cp: { treeSize: bigint; note: string },
  old: bigint,
  opts: WitnessSubmissionOptions,
): Promise<string> {
  let from = old;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (from > cp.treeSize) throw new WitnessAnswer(`the witness has cosigned ${from} leaves, more than this log's ${cp.treeSize}`, from);
    const proof = from > 0n && from < cp.treeSize ? await consistencyProof(from, cp.treeSize, nodeReader(deps.db), deps.sha256) : [];
    const body = `old ${from}\n${proof.map((h) => `${b64(h)}\n`).join('')}\n${cp.note}`;
    const res = await opts.fetch(`${w.url!.replace(/\/+$/, '')}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    const text = await res.text();
    if (res.status === 409 && (res.headers.get('content-type') ?? '').startsWith('text/x.tlog.size')) {
      const m = /^(0|[1-9][0-9]*)\n$/.exec(text);
      if (!m) throw new WitnessAnswer('409 with a malformed text/x.tlog.size body');
      from = BigInt(m[1]!);
      continue;
    }
    if (res.status !== 200) throw new WitnessAnswer(`HTTP ${res.status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
    const text0 = cp.note.slice(0, cp.note.indexOf('\n\n') + 1);
    for (const line of text.split('\n').filter((l) => l !== '')) {
      const found = await verifyCosignatures(`${text0}\n${line}\n`, [w.key]).catch(() => []);
      if (found.length > 0) return `${line}\n`;
    }
    throw new WitnessAnswer('200 without a valid cosignature of its key');
  }
  throw new WitnessAnswer(`the witness keeps answering 409 (it has ${from} leaves)`, from);
}
