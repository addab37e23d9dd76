import { describe, expect, it } from 'vitest';
import {
  type ActOnBehalf,
  authorizeAct,
  birthdayAt,
  fourteenthBirthday,
  type Relationship,
  representationActions,
  type RepresentationAction,
  representationStatuses,
} from '../src/domain/representation.js';

const REP = 'rep';
const SVC_A = 'svc-a';
const SVC_B = 'svc-b';
const T0 = new Date('2026-01-01T00:00:00Z');
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

const base: Relationship = {
  id: 'r1',
  kind: 'voluntary',
  representedId: 'person',
  representativeId: REP,
  status: 'active',
  revision: 2,
  services: null,
  actions: [...representationActions],
  assistance: false,
  birthDate: null,
  validFrom: T0,
  validUntil: day(100),
  endsByAgeAt: null,
};

const acts: ActOnBehalf[] = ['view', 'grant', 'approve', 'narrow', 'pause', 'resume', 'withdraw'];
// What each act needs, written out independently of the implementation's table.
const needs = (a: ActOnBehalf): RepresentationAction => (a === 'approve' ? 'grant' : a === 'resume' ? 'pause' : a);

/** Every subset of the actions (32). */
const subsets = (xs: readonly RepresentationAction[]): RepresentationAction[][] =>
  xs.reduce<RepresentationAction[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]]);

describe('authorizeAct: the authorization matrix over relationships', () => {
  it('allows exactly what scope, action, dates, status and age allow — zero acts beyond scope', () => {
    let allowed = 0;
    let beyond = 0;
    let cases = 0;
    const wrong: string[] = [];
    for (const status of representationStatuses)
      for (const services of [null, [SVC_A]])
        for (const actions of subsets(representationActions))
          for (const endsByAgeAt of [null, day(50)])
            for (const at of [day(-1), day(0), day(10), day(49), day(50), day(99), day(100), day(200)])
              for (const serviceId of [SVC_A, SVC_B])
                for (const who of [REP, 'someone-else'])
                  for (const action of acts) {
                    const rel = { ...base, status, services, actions, endsByAgeAt, kind: endsByAgeAt ? ('parental_authority' as const) : ('voluntary' as const) };
                    const verdict = authorizeAct(rel, { representativeId: who, action, serviceId, at });
                    cases++;
                    const inScope =
                      who === REP &&
                      status === 'active' &&
                      at.getTime() >= T0.getTime() &&
                      at.getTime() < day(100).getTime() &&
                      (endsByAgeAt === null || at.getTime() < endsByAgeAt.getTime()) &&
                      actions.includes(needs(action)) &&
                      (services === null || services.includes(serviceId));
                    if (verdict.allowed) allowed++;
                    if (verdict.allowed && !inScope) beyond++;
                    if (verdict.allowed !== inScope) wrong.push(JSON.stringify({ status, services, actions, endsByAgeAt, at, serviceId, who, action }));
                  }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(beyond).toBe(0);
    expect(allowed).toBeGreaterThan(0);
    expect(cases).toBe(5 * 2 * 32 * 2 * 8 * 2 * 2 * 7);
  });

  it('names the reason for each refusal, the most basic first', () => {
    const at = day(10);
    const act = (rel: Partial<Relationship>, a: Partial<{ representativeId: string; action: ActOnBehalf; serviceId: string | null; at: Date }> = {}) =>
      authorizeAct({ ...base, ...rel }, { representativeId: REP, action: 'withdraw', serviceId: SVC_A, at, ...a });
    expect(act({})).toEqual({ allowed: true });
    expect(act({}, { representativeId: 'x' })).toEqual({ allowed: false, reason: 'not_representative' });
    expect(act({ status: 'pending' })).toEqual({ allowed: false, reason: 'not_accepted' });
    expect(act({ status: 'declined' })).toEqual({ allowed: false, reason: 'not_accepted' });
    expect(act({ status: 'revoked' })).toEqual({ allowed: false, reason: 'revoked' });
    expect(act({ status: 'ended' })).toEqual({ allowed: false, reason: 'ended' });
    expect(act({ endsByAgeAt: day(10) })).toEqual({ allowed: false, reason: 'ended_by_age' });
    expect(act({ validUntil: day(10) })).toEqual({ allowed: false, reason: 'expired' });
    expect(act({ validFrom: day(11) })).toEqual({ allowed: false, reason: 'not_yet_valid' });
    expect(act({ actions: ['view', 'grant'] })).toEqual({ allowed: false, reason: 'action_out_of_scope' });
    expect(act({ services: [SVC_B] })).toEqual({ allowed: false, reason: 'service_out_of_scope' });
    // A view of the whole list names no service; the caller filters it per service.
    expect(act({ services: [SVC_B], actions: ['view'] }, { action: 'view', serviceId: null })).toEqual({ allowed: true });
    // One millisecond before the 14th birthday the parent may act; at the birthday, not any more.
    expect(act({ endsByAgeAt: new Date(at.getTime() + 1) })).toEqual({ allowed: true });
  });
});

describe('the 14th birthday', () => {
  it('begins at midnight in the city’s time zone', () => {
    // Madrid is UTC+1 in winter and UTC+2 in summer.
    expect(fourteenthBirthday('2012-03-09', 'Europe/Madrid').toISOString()).toBe('2026-03-08T23:00:00.000Z');
    expect(fourteenthBirthday('2012-07-15', 'Europe/Madrid').toISOString()).toBe('2026-07-14T22:00:00.000Z');
    expect(fourteenthBirthday('2012-07-15', 'UTC').toISOString()).toBe('2026-07-15T00:00:00.000Z');
  });

  it('for someone born on 29 February falls on the last day of February (Código Civil Art. 5.1)', () => {
    expect(birthdayAt('2012-02-29', 14, 'UTC').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(birthdayAt('2012-02-29', 16, 'UTC').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it('refuses what is not a date', () => {
    expect(() => fourteenthBirthday('2012-02-30', 'UTC')).toThrow(RangeError);
  });
});
