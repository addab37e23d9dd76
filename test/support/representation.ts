/**
 * Helpers for representation: an officer records a relationship, a citizen authorises another
 * and the other accepts with the real passkey ceremony.
 */
import { expect } from 'vitest';
import { bearer, type SignedInCitizen } from './citizen.js';
import type { TestContext } from './harness.js';
import type { Json } from './json.js';
import { send } from './requests.js';

/** `YYYY-MM-DD` of the day `years` (and `days`) before `now`, in UTC. */
export function bornAgo(now: Date, years: number, days = 0): string {
  const d = new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days));
  return d.toISOString().slice(0, 10);
}

/** An officer records a relationship; returns the 201 body. */
export async function recordRelationship(t: TestContext, officer: SignedInCitizen, body: Record<string, unknown>): Promise<Json> {
  const r = await send(t, 'POST', '/v1/officer/representations', bearer(officer.token), body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** `from` authorises `to` (voluntary) and `to` accepts with a passkey; returns the active relationship. */
export async function authoriseAndAccept(t: TestContext, from: SignedInCitizen, to: SignedInCitizen, body: Record<string, unknown> = {}): Promise<Json> {
  const validUntil = new Date(t.clock.now().getTime() + 365 * 86_400_000).toISOString();
  const made = await send(t, 'POST', '/v1/me/representations', bearer(from.token), { representativeId: to.citizenId, services: 'all', actions: ['view', 'grant', 'narrow', 'pause', 'withdraw'], validUntil, ...body });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return acceptRelationship(t, to, made.body.id);
}

/** `who` accepts the pending relationship `id` with the passkey ceremony over its terms. */
export async function acceptRelationship(t: TestContext, who: SignedInCitizen, id: string): Promise<Json> {
  const start = await send(t, 'POST', `/v1/me/representations/${id}/acceptance`, bearer(who.token));
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const response = await who.authenticator.authenticate(start.body.options);
  const done = await send(t, 'POST', `/v1/me/representations/${id}/accept`, bearer(who.token), { ceremonyId: start.body.ceremonyId, response });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body;
}
