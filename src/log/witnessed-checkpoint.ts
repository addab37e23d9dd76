/**
 * Checkpoints with their witnesses' cosignatures: the latest one carrying every cosignature
 * obtained so far, and the latest one whose cosignatures meet the policy's quorum
 * (c2sp.org/tlog-policy) — the one a client that enforces the policy accepts.
 */
import { type Policy, quorumMet } from '@permis/sdk/verify';
import type { Sql } from '../storage/db.js';
import { cosignaturesOf, cosignedCheckpoints } from '../storage/log-witness-repo.js';

/** `note` with the cosignature lines stored for its size appended (signature lines may come in any order). */
export async function withCosignatures(sql: Sql, cp: { treeSize: bigint; note: string }): Promise<string> {
  const lines = await cosignaturesOf(sql, cp.treeSize);
  return cp.note + [...lines.values()].join('');
}

/**
 * The latest published checkpoint whose cosignatures from `policy`'s witnesses meet its quorum,
 * with those cosignatures; undefined when none does (or no witness is configured).
 */
export async function latestWitnessedCheckpoint(sql: Sql, policy: Policy | undefined): Promise<{ treeSize: bigint; note: string } | undefined> {
  if (!policy || policy.quorum === 'none') return undefined;
  for (const cp of await cosignedCheckpoints(sql)) {
    const cosigned = new Set(policy.witnesses.filter((w) => cp.lines.has(w.vkey)).map((w) => w.name));
    if (quorumMet(policy, cosigned)) return { treeSize: cp.treeSize, note: cp.note + [...cp.lines.values()].join('') };
  }
  return undefined;
}
