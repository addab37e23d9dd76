/**
 * Admins and officers for tests, made through the real flow: the CLI's `admin invite` prints
 * a one-time code, a citizen signs up with a passkey and redeems it at `POST /v1/auth/enrol`.
 */
import { runAdminCommand } from '../../src/entry/cli/admin.js';
import type { Role } from '../../src/domain/roles.js';
import { bearer, signUpCitizen, type SignedInCitizen } from './citizen.js';
import type { TestContext } from './harness.js';

/** Runs `permis admin <args…>` against the test database; returns exit code and output. */
export async function runAdmin(t: TestContext, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCommand(args, {
    db: t.db,
    clock: t.clock,
    random: t.deps.random,
    publicUrl: t.config.publicUrl,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh enrolment code for `role`, from `permis admin invite --role <role> --json`. */
export async function inviteFromCli(t: TestContext, role: Role): Promise<string> {
  const r = await runAdmin(t, 'admin', 'invite', '--role', role, '--json');
  if (r.code !== 0) throw new Error(`permis admin invite failed (${r.code}): ${r.err}`);
  return (JSON.parse(r.out) as { code: string }).code;
}

/** Redeems `code` for `who`; returns the raw response. */
export function enrol(t: TestContext, who: SignedInCitizen, code: string): Promise<Response> {
  return Promise.resolve(t.app.request('/v1/auth/enrol', { method: 'POST', headers: bearer(who.token), body: JSON.stringify({ code }) }));
}

/** Signs a new citizen up and gives them `role` through a CLI invitation and enrolment. */
export async function signUpWithRole(t: TestContext, role: Role, opts: { displayName?: string } = {}): Promise<SignedInCitizen> {
  const who = await signUpCitizen(t.app, t.config, { displayName: opts.displayName ?? `Test ${role}` });
  const res = await enrol(t, who, await inviteFromCli(t, role));
  if (res.status !== 200) throw new Error(`enrolment as ${role} answered ${res.status}: ${await res.text()}`);
  return who;
}

/** A signed-in citizen holding the admin role. */
export const signUpAdmin = (t: TestContext, opts: { displayName?: string } = {}): Promise<SignedInCitizen> =>
  signUpWithRole(t, 'admin', { displayName: opts.displayName ?? 'Test Admin' });

/** A signed-in citizen holding the officer role. */
export const signUpOfficer = (t: TestContext, opts: { displayName?: string } = {}): Promise<SignedInCitizen> =>
  signUpWithRole(t, 'officer', { displayName: opts.displayName ?? 'Test Officer' });
