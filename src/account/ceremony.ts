/**
 * Shared steps of the passkey ceremonies: issuing a server-side challenge, taking it back
 * exactly once, and opening a session.
 */
import { newSessionToken } from '../crypto/session-tokens.js';
import { b64url } from '@permis/sdk/encoding';
import { RuleError } from '../domain/errors.js';
import { uuidv7 } from '../domain/ids.js';
import type { Sql } from '../storage/db.js';
import { type ChallengePurpose, type ChallengeRow, consumeChallenge, insertChallenge } from '../storage/webauthn-challenges.js';
import { insertSession } from '../storage/sessions.js';
import type { AppDeps } from '../core/deps.js';

/** A fresh challenge: 32 random bytes (WebAuthn L3 §13.4.3 asks for at least 16). */
export function newChallenge(deps: AppDeps): { bytes: Uint8Array; text: string } {
  const bytes = deps.random.bytes(32);
  return { bytes, text: b64url(bytes) };
}

/** Stores the challenge the options carry, valid for `config.challengeTtlSeconds`; returns the ceremony id. */
export async function storeChallenge(
  deps: AppDeps,
  c: { purpose: ChallengePurpose; challenge: string; citizenId?: string; context?: Record<string, unknown> },
): Promise<string> {
  const now = deps.clock.now();
  const id = uuidv7(deps.clock, deps.random);
  await insertChallenge(
    deps.db,
    {
      id,
      purpose: c.purpose,
      challenge: c.challenge,
      citizenId: c.citizenId ?? null,
      context: c.context ?? {},
      expiresAt: new Date(now.getTime() + deps.config.challengeTtlSeconds * 1000),
    },
    now,
  );
  return id;
}

/** The error for an unknown, expired, reused or foreign ceremony. */
export const challengeInvalid = (): RuleError =>
  new RuleError('challenge_invalid', 'The ceremony is unknown, expired or already used; start it again.');

/**
 * Takes the ceremony's challenge out of storage in its own statement, before anything is
 * verified, so a failed attempt also uses it up (single use). Throws `challenge_invalid`.
 */
export async function takeChallenge(
  deps: AppDeps,
  q: { ceremonyId: string; purpose: ChallengePurpose; citizenId?: string },
): Promise<ChallengeRow> {
  const row = await consumeChallenge(deps.db, { id: q.ceremonyId, purpose: q.purpose, citizenId: q.citizenId ?? null, now: deps.clock.now() });
  if (!row) throw challengeInvalid();
  return row;
}

/** A session just opened: the token goes to the client once and is never stored. */
export interface OpenedSession {
  id: string;
  token: string;
  expiresAt: Date;
}

/** Opens a session for the citizen inside `tx`, expiring after `config.sessionTtlSeconds`. */
export async function openSession(deps: AppDeps, tx: Sql, citizenId: string, userAgent: string | undefined): Promise<OpenedSession> {
  const now = deps.clock.now();
  const { token, tokenHash } = await newSessionToken(deps.random);
  const id = uuidv7(deps.clock, deps.random);
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlSeconds * 1000);
  await insertSession(tx, { id, tokenHash, citizenId, createdAt: now, expiresAt, userAgent: userAgent ? userAgent.slice(0, 256) : null });
  return { id, token, expiresAt };
}
