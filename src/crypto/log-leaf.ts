/**
 * The leaf data of the access log: the RFC 8785 canonical JSON of an audit event
 * with its personal fields replaced by salted hashes, SHA-256(salt ‖ value) — a hiding and
 * binding commitment, as in SD-JWT's disclosures. Each event has its own random salt, so
 * hashes of one citizen never link across events; whoever holds the salt and the value (the
 * citizen, an officer) can check a field. Erasure deletes salt and values but keeps the
 * hashes (`pseudonyms`), so the leaf, and with it the tree, stays exactly the same.
 */
import { b64url, concat, sha256, utf8 } from '@permis/sdk/encoding';
import { canonicalJsonText as canonicalJson } from './canonical-json.js';
import type { SyncSha256 } from './merkle/hash.js';
import { InternalError } from '../domain/errors.js';

/** Version of the leaf format, the `v` member of every leaf. */
export const LEAF_FORMAT_VERSION = 1;

/** Length of every event's salt. */
export const SALT_BYTES = 32;

/** Keys inside `data` whose values are personal, at any depth. */
const PERSONAL_DATA_KEYS: ReadonlySet<string> = new Set(['subjectRef', 'citizenId']);

/** Prefix of a pseudonym: SHA-256(salt ‖ UTF-8 value), base64url. */
const PSEUDONYM_PREFIX = 'sha256:';

/** An audit event as stored, with what the leaf needs. */
export interface LeafEvent {
  id: string;
  type: string;
  actorType: string;
  actorId: string | null;
  citizenId: string | null;
  serviceId: string | null;
  consentId: string | null;
  requestId: string | null;
  data: unknown;
  /** `created_at` in UTC with microseconds, e.g. `2026-01-02T03:04:05.678901Z` (exact). */
  createdAt: string;
  /** The event's salt; null once erased (or before integration). */
  salt: Uint8Array | null;
  /** The committed hashes by JSON pointer (RFC 6901); what stands in for erased values. */
  pseudonyms: Record<string, string> | null;
}

/** RFC 6901 §3: escapes one reference token of a JSON pointer. */
const token = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The `sha256:<base64url>` pseudonym of `value`: SHA-256 of the 32-byte salt followed by the
 * value's UTF-8 (strings as they are, anything else as RFC 8785 canonical JSON). The salt has
 * a fixed length, so the split between salt and value is unambiguous.
 */
async function pseudonym(salt: Uint8Array, value: unknown): Promise<string> {
  const message = typeof value === 'string' ? value : canonicalJson(value);
  return PSEUDONYM_PREFIX + b64url(await sha256(concat(salt, utf8(message))));
}

/** A leaf-data failure: the stored event cannot produce its committed leaf. */
export class LeafError extends InternalError {
  constructor(message: string) {
    super('leaf_invalid', message);
  }
}

/** A personal value waiting for its pseudonym: the hash input and where the result goes. */
interface PendingPseudonym {
  pointer: string;
  /** The value as hashed after the salt: strings as they are, anything else as canonical JSON. */
  text: string;
  set(pseudonym: string): void;
}

/** A leaf laid out with its pseudonyms still to hash. */
interface LeafPlan {
  leaf: Record<string, unknown>;
  salt: Uint8Array | null;
  pseudonyms: Record<string, string>;
  pending: PendingPseudonym[];
}

/** Lays out the leaf of `event` (everything but hashing); see {@link buildLeaf}. */
function planLeaf(event: LeafEvent): LeafPlan {
  const pseudonyms: Record<string, string> = {};
  const pending: PendingPseudonym[] = [];
  const salt = event.salt;
  if (salt && salt.length !== SALT_BYTES) throw new LeafError(`event ${event.id} has a salt of ${salt.length} bytes`);
  // The value to place now; a fresh pseudonym is placed later through `set`.
  const hide = (pointer: string, value: unknown, set: (pseudonym: string) => void): string | null => {
    if (salt) {
      if (value === null || value === undefined) return null;
      pending.push({ pointer, text: typeof value === 'string' ? value : canonicalJson(value), set });
      return null;
    }
    const kept = event.pseudonyms?.[pointer];
    if (kept !== undefined) return (pseudonyms[pointer] = kept);
    if (value === null || value === undefined) return null;
    throw new LeafError(`event ${event.id} has a personal value at ${pointer} but neither a salt nor its pseudonym`);
  };
  const walk = (value: unknown, pointer: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${pointer}/${i}`));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const p = `${pointer}/${token(k)}`;
        out[k] = PERSONAL_DATA_KEYS.has(k) ? hide(p, v, (h) => (out[k] = h)) : walk(v, p);
      }
      return out;
    }
    return value;
  };
  const leaf: Record<string, unknown> = {
    v: LEAF_FORMAT_VERSION,
    id: event.id,
    type: event.type,
    actorType: event.actorType,
    actorId: event.actorId,
    citizenId: null,
    serviceId: event.serviceId,
    consentId: event.consentId,
    requestId: event.requestId,
    data: null,
    createdAt: event.createdAt,
  };
  // Actor ids of citizens are their internal ids: personal. Staff and services are not hidden.
  if (event.actorType === 'citizen') leaf.actorId = hide('/actorId', event.actorId, (h) => (leaf.actorId = h));
  leaf.citizenId = hide('/citizenId', event.citizenId, (h) => (leaf.citizenId = h));
  leaf.data = walk(event.data ?? {}, '/data');
  return { leaf, salt, pseudonyms, pending };
}

/** Places the pseudonyms (digests in `plan.pending` order) and encodes the leaf. */
function finishLeaf(plan: LeafPlan, digests: readonly Uint8Array[]): { data: Uint8Array; pseudonyms: Record<string, string> } {
  plan.pending.forEach((p, i) => {
    const value = PSEUDONYM_PREFIX + b64url(digests[i]!);
    p.set(value);
    plan.pseudonyms[p.pointer] = value;
  });
  return { data: utf8(canonicalJson(plan.leaf)), pseudonyms: plan.pseudonyms };
}

/**
 * Builds the leaf data of `event`: returns the canonical JSON bytes and the pseudonyms it
 * committed to (by JSON pointer). With a salt, every personal value is hashed afresh (so an
 * edited value changes the leaf); without one (erased), the stored pseudonyms stand in for
 * the personal values, which must then be null. Throws LeafError when neither is possible.
 */
export async function buildLeaf(event: LeafEvent): Promise<{ data: Uint8Array; pseudonyms: Record<string, string> }> {
  const plan = planLeaf(event);
  return finishLeaf(plan, await Promise.all(plan.pending.map((p) => sha256(concat(plan.salt!, utf8(p.text))))));
}

const encoder = new TextEncoder();
/** Reused input buffer of the synchronous hashes (salt ‖ value, 0x00 ‖ leaf): no allocation per hash. */
let scratch = new Uint8Array(4096);

/** `sha(prefix ‖ UTF-8 text)`, the input written into {@link scratch}. */
function hashPrefixed(sha: SyncSha256, prefix: Uint8Array, text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const need = prefix.length + text.length * 3;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  scratch.set(prefix, 0);
  const { written } = encoder.encodeInto(text, scratch.subarray(prefix.length));
  return sha(scratch.subarray(0, prefix.length + written));
}

/**
 * {@link buildLeaf} with a synchronous SHA-256 (injected by a runtime entry): the same bytes
 * and pseudonyms, without a promise per hash.
 */
export function buildLeafSync(event: LeafEvent, sha: SyncSha256): { data: Uint8Array; pseudonyms: Record<string, string> } {
  const plan = planLeaf(event);
  return finishLeaf(plan, plan.pending.map((p) => hashPrefixed(sha, plan.salt!, p.text)));
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/**
 * RFC 9162 §2.1.1 leaf hash of `event`'s leaf, SHA-256(0x00 ‖ leaf data), with a synchronous
 * SHA-256: the hash of {@link buildLeafSync}'s data, for the integrator, which needs no more.
 */
export function leafHashOfEventSync(event: LeafEvent, sha: SyncSha256): Uint8Array {
  const plan = planLeaf(event);
  plan.pending.forEach((p) => p.set(PSEUDONYM_PREFIX + b64url(hashPrefixed(sha, plan.salt!, p.text))));
  return hashPrefixed(sha, LEAF_PREFIX, canonicalJson(plan.leaf));
}

/** {@link buildLeafSync} with `sha` when a runtime injected one, else {@link buildLeaf} (WebCrypto). */
export async function buildLeafWith(event: LeafEvent, sha?: SyncSha256): Promise<{ data: Uint8Array; pseudonyms: Record<string, string> }> {
  return sha ? buildLeafSync(event, sha) : buildLeaf(event);
}

/**
 * Checks a claimed personal value against a pseudonym from a leaf, given the event's salt:
 * how a citizen or officer confirms what a redacted-looking leaf field commits to.
 */
export async function pseudonymMatches(salt: Uint8Array, value: unknown, committed: string): Promise<boolean> {
  return (await pseudonym(salt, value)) === committed;
}
