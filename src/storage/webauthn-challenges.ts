import type { Sql } from './db.js';

/** What a WebAuthn challenge is for; one ceremony, one purpose. */
export type ChallengePurpose = 'signup' | 'signin' | 'add-passkey' | 'approve' | 'accept-representation' | 'approve-on-behalf';

/** A server-side WebAuthn challenge awaiting its response. */
export interface ChallengeRow {
  id: string;
  purpose: ChallengePurpose;
  /** The challenge exactly as sent to the client (base64url). */
  challenge: string;
  /** The citizen the ceremony is bound to, if any (add-passkey, approve). */
  citizenId: string | null;
  /** Ceremony data carried to the verify step (e.g. the display name at sign-up). */
  context: Record<string, unknown>;
  expiresAt: Date;
}

interface Raw {
  id: string;
  purpose: ChallengePurpose;
  challenge: string;
  citizen_id: string | null;
  context: Record<string, unknown>;
  expires_at: Date;
}

/** Stores a new challenge. Expired challenges are purged on the way (the table stays tiny). */
export async function insertChallenge(sql: Sql, c: ChallengeRow, now: Date): Promise<void> {
  await sql.query('delete from webauthn_challenges where expires_at <= $1', [now]);
  await sql.query(
    `insert into webauthn_challenges (id, purpose, challenge, citizen_id, context, expires_at)
     values ($1, $2, $3, $4, $5::jsonb, $6)`,
    [c.id, c.purpose, c.challenge, c.citizenId, c.context, c.expiresAt],
  );
}

/**
 * Takes the challenge out of storage (`delete … returning`): whatever happens next, it can
 * never be used again. Returns it only if it matches `purpose` and `citizenId` and has not
 * expired at `now`; undefined otherwise.
 */
export async function consumeChallenge(
  sql: Sql,
  q: { id: string; purpose: ChallengePurpose; citizenId: string | null; now: Date },
): Promise<ChallengeRow | undefined> {
  const rows = await sql.query<Raw>(
    `delete from webauthn_challenges
     where id = $1 and purpose = $2 and citizen_id is not distinct from $3::uuid
     returning id, purpose, challenge, citizen_id, context, expires_at`,
    [q.id, q.purpose, q.citizenId],
  );
  const r = rows[0];
  if (!r || r.expires_at.getTime() <= q.now.getTime()) return undefined;
  return { id: r.id, purpose: r.purpose, challenge: r.challenge, citizenId: r.citizen_id, context: r.context, expiresAt: r.expires_at };
}
