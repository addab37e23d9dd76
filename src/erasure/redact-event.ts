/**
 * Redaction of one audit event for an erasure (GDPR Art. 17): the personal values
 * the event's leaf committed to — exactly the JSON pointers in its `pseudonyms` — are set to
 * null and its salt is dropped, so the leaf builder takes the stored pseudonyms instead and
 * the leaf, and with it the Merkle tree, stays byte for byte the same.
 */
import { buildLeaf, type LeafEvent } from '../crypto/log-leaf.js';
import { bytesEqual } from '../crypto/merkle/index.js';
import { InternalError } from '../domain/errors.js';

/** Whose values to redact: the citizen's id, and their subjectRefs as `serviceId subjectRef` pairs. */
export interface RedactionSubject {
  citizenId: string;
  /** Keys made with {@link subjectKey}. */
  subjectRefs: ReadonlySet<string>;
}

/** The key of one service's subjectRef in {@link RedactionSubject.subjectRefs}. */
export const subjectKey = (serviceId: string, subjectRef: string): string => `${serviceId} ${subjectRef}`;

/** The redaction would change the event's leaf: never written (a bug, or a damaged row). */
export class RedactionError extends InternalError {
  constructor(message: string) {
    super('redaction_failed', message);
  }
}

/** RFC 6901 §4: the reference tokens of a JSON pointer ("" is the whole document). */
function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new RedactionError(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The parent container and key of the value at `tokens` in `doc`, if it exists. */
function locate(doc: Json, tokens: readonly string[]): { parent: Json[] | { [k: string]: Json }; key: string } | undefined {
  let cur: Json = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur[Number(tokens[i])] ?? null) : (cur[tokens[i]!] ?? null);
  }
  if (cur === null || typeof cur !== 'object' || tokens.length === 0) return undefined;
  const key = tokens[tokens.length - 1]!;
  if (Array.isArray(cur) ? !(Number(key) < cur.length) : !Object.hasOwn(cur, key)) return undefined;
  return { parent: cur, key };
}

/**
 * The event with `who`'s personal values set to null and, when any was, without its salt.
 * A value is theirs when it is their citizen id, a subjectRef of theirs for the event's
 * service, or any personal value of an event about them (their `citizenId` or their own
 * act). Other people's values in the same event stay (their pseudonyms stay valid). Returns
 * `changed: false` and the event untouched when nothing in it is theirs.
 */
export function redactEvent(event: LeafEvent, who: RedactionSubject): { event: LeafEvent; changed: boolean } {
  const pointers = Object.keys(event.pseudonyms ?? {});
  const ownAct = event.actorType === 'citizen' && event.actorId === who.citizenId;
  const about = event.citizenId === who.citizenId || ownAct;
  const data = structuredClone(event.data ?? {}) as Json;
  let changed = false;
  let citizenId = event.citizenId;
  let actorId = event.actorId;
  // Without the pseudonym the value could not be dropped without changing the leaf: the
  // event is not integrated yet (erasure integrates first), or the row is damaged.
  const needs = (pointer: string) => {
    if (!pointers.includes(pointer)) throw new RedactionError(`event ${event.id} has no pseudonym for ${pointer}`);
  };
  if (event.citizenId === who.citizenId) {
    needs('/citizenId');
    citizenId = null;
    changed = true;
  }
  if (ownAct) {
    needs('/actorId');
    actorId = null;
    changed = true;
  }
  for (const pointer of pointers.filter((p) => p.startsWith('/data/'))) {
    const tokens = pointerTokens(pointer).slice(1);
    const at = locate(data, tokens);
    if (!at) continue;
    const value = Array.isArray(at.parent) ? at.parent[Number(at.key)] : at.parent[at.key];
    if (value === null || value === undefined) continue;
    const theirs =
      about ||
      value === who.citizenId ||
      (at.key === 'subjectRef' && typeof value === 'string' && event.serviceId !== null && who.subjectRefs.has(subjectKey(event.serviceId, value)));
    if (!theirs) continue;
    if (Array.isArray(at.parent)) at.parent[Number(at.key)] = null;
    else at.parent[at.key] = null;
    changed = true;
  }
  if (!changed) return { event, changed: false };
  return { event: { ...event, citizenId, actorId, data, salt: null }, changed: true };
}

/**
 * Redacts `event` for `who` and proves the leaf unchanged: the leaf data of the redacted
 * event (built from the pseudonyms) must equal that of the stored one. The returned event
 * carries every pseudonym of its leaf, to store as its salt goes (until then they follow from
 * the salt and the values, so the integrator does not store them). Throws RedactionError when
 * the leaf would change, so a redaction that would break the tree is never written.
 */
export async function redactEventKeepingLeaf(event: LeafEvent, who: RedactionSubject): Promise<{ event: LeafEvent; changed: boolean }> {
  const before = await buildLeaf(event);
  const out = redactEvent(event.salt ? { ...event, pseudonyms: before.pseudonyms } : event, who);
  if (!out.changed) return { event, changed: false };
  const after = await buildLeaf(out.event);
  if (!bytesEqual(before.data, after.data)) throw new RedactionError(`redacting event ${event.id} would change its leaf`);
  return out;
}
