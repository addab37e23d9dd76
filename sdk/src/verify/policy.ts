/**
 * Transparency-log trust policies (c2sp.org/tlog-policy): the known logs, the known witnesses
 * and the quorum rule a checkpoint's cosignatures must meet. Parsing and evaluating only;
 * `verifyCheckpoint(note, policy)` applies one.
 */
import { type CosignerKey, parseCosignerKey } from './cosignature.js';
import { NoteError, type NoteVerifier, parseVerifierKey } from './signed-note.js';

/** A log of the policy: its checkpoint vkey (whose key name is its origin) and optional URL. */
export interface PolicyLog {
  origin: string;
  vkey: string;
  verifier: NoteVerifier;
  url?: string;
}

/** A witness of the policy: its name in the policy, its cosigner vkey and optional submission URL. */
export interface PolicyWitness {
  name: string;
  vkey: string;
  key: CosignerKey;
  url?: string;
}

/** A group: witnessed when at least `threshold` of its `members` (witnesses or groups) are. */
export interface PolicyGroup {
  name: string;
  threshold: number;
  members: string[];
}

/** A parsed policy. `quorum` is `none`, a witness name or a group name. */
export interface Policy {
  logs: PolicyLog[];
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  quorum: string;
}

/** c2sp.org/tlog-policy §Implementation limits: at least 32 of each are supported; we allow 256. */
const LIMIT = 256;

/**
 * Parses a policy file (c2sp.org/tlog-policy §Policy file syntax and structure). Throws NoteError
 * `bad_policy` naming the line on any violation: unknown keyword, a name used before it is
 * defined, a duplicate key or name, a member listed twice, a threshold outside 1..n, no quorum
 * line or more than one, a control character other than tab.
 */
export async function parsePolicy(text: string): Promise<Policy> {
  const logs: PolicyLog[] = [];
  const witnesses: PolicyWitness[] = [];
  const groups: PolicyGroup[] = [];
  const names = new Set<string>();
  const keys: Uint8Array[] = [];
  let quorum: string | undefined;
  // §Character set: only tab and newline among the control characters.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw new NoteError('bad_policy', 'the policy contains a control character other than tab and newline');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const bad = (why: string) => new NoteError('bad_policy', `policy line ${i + 1}: ${why}`);
    const line = lines[i]!.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const [keyword, ...args] = line.split(/[ \t]+/) as [string, ...string[]];
    const duplicateKey = (k: Uint8Array) => keys.some((x) => x.length === k.length && x.every((b, j) => b === k[j]));
    const wrap = async <T>(p: Promise<T>): Promise<T> => p.catch((e: unknown) => Promise.reject(bad((e as Error).message)));
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw bad('expected: log <vkey> [<url>]');
        const verifier = await wrap(parseVerifierKey(args[0]!));
        const raw = rawKey(args[0]!);
        if (duplicateKey(raw)) throw bad('duplicate key');
        keys.push(raw);
        logs.push({ origin: verifier.name, vkey: args[0]!, verifier, ...(args[1] ? { url: args[1] } : {}) });
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw bad('expected: witness <name> <vkey> [<url>]');
        const [name, vkey, url] = args as [string, string, string?];
        if (name === 'none' || names.has(name)) throw bad(`the name ${name} is already defined`);
        const key = await wrap(parseCosignerKey(vkey));
        if (duplicateKey(key.publicKey)) throw bad('duplicate key');
        keys.push(key.publicKey);
        names.add(name);
        witnesses.push({ name, vkey, key, ...(url ? { url } : {}) });
        break;
      }
      case 'group': {
        if (args.length < 3) throw bad('expected: group <name> (all|any|<k>) <name>...');
        const [name, k, ...members] = args as [string, string, ...string[]];
        if (name === 'none' || names.has(name)) throw bad(`the name ${name} is already defined`);
        for (const m of members) if (!names.has(m)) throw bad(`${m} is not defined on a preceding line`);
        if (new Set(members).size !== members.length) throw bad('a member is listed more than once');
        let threshold: number;
        if (k === 'all') threshold = members.length;
        else if (k === 'any') threshold = 1;
        else if (/^[1-9][0-9]*$/.test(k) && Number(k) <= members.length) threshold = Number(k);
        else throw bad(`the threshold must be all, any or a decimal between 1 and ${members.length}`);
        names.add(name);
        groups.push({ name, threshold, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) throw bad('expected: quorum <name>');
        if (quorum !== undefined) throw bad('a policy has exactly one quorum line');
        if (args[0] !== 'none' && !names.has(args[0]!)) throw bad(`${args[0]} is not defined on a preceding line`);
        quorum = args[0]!;
        break;
      }
      default:
        throw bad(`unknown keyword ${keyword}`);
    }
    if (logs.length > LIMIT || witnesses.length > LIMIT || groups.length > LIMIT) throw bad('too many entries');
  }
  if (quorum === undefined) throw new NoteError('bad_policy', 'the policy has no quorum line');
  return { logs, witnesses, groups, quorum };
}

/** The raw key bytes of a vkey (to find duplicates across key names). */
function rawKey(vkey: string): Uint8Array {
  const b = vkey.slice(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1);
  return Uint8Array.from(atob(b), (c) => c.charCodeAt(0)).slice(1);
}

/**
 * c2sp.org/tlog-policy §Defining a witness group: whether the policy's quorum is met when the
 * witnesses named in `cosigned` (policy names) cosigned. `none` is always met.
 */
export function quorumMet(policy: Policy, cosigned: ReadonlySet<string>): boolean {
  if (policy.quorum === 'none') return true;
  const groups = new Map(policy.groups.map((g) => [g.name, g]));
  const met = (name: string): boolean => {
    const g = groups.get(name);
    if (!g) return cosigned.has(name);
    return g.members.filter(met).length >= g.threshold;
  };
  return met(policy.quorum);
}
