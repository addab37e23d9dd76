/**
 * `permis admin …`: bootstrap and inspect administration from the command line (the first
 * admin can only be made here). `invite` prints a one-time enrolment code;
 * a signed-in account redeems it with `POST /v1/auth/enrol` and takes the role.
 */
import { PermisError } from '../../domain/errors.js';
import { enrolUrl, isRole, type Role, roles } from '../../domain/roles.js';
import type { Clock, Random } from '../../domain/runtime.js';
import { CLI_ACTOR } from '../../storage/admin-audit.js';
import type { Db } from '../../storage/db.js';
import { createInvitation } from '../../roles/create-invitation.js';
import { listRoleHolders, type RoleHolder } from '../../storage/roles-repo.js';
import { FAILED, OK, showHelp, UsageError, usageFailure } from './common.js';

/** What the admin command needs; `out` prints a line, `err` (default `out`) an error line. */
export interface AdminCommandContext {
  db: Db;
  clock: Clock;
  random: Random;
  /** The server's public URL (PUBLIC_URL), for the enrolment link. */
  publicUrl: string;
  out: (line: string) => void;
  err?: (line: string) => void;
}

/** The help text of `permis admin`. */
export const ADMIN_USAGE = `Usage: permis admin <command>

Commands:
  invite [--role admin|officer] [--json]  print a one-time enrolment code (default role: admin);
                                          valid 24 hours, single use, shown only once
  list [--json]                           list the accounts holding a role
  help                                    show this help

To take the role: sign in (passkey), then POST /v1/auth/enrol with {"code": "<the code>"}.`;


/** Parses `--flag value`, `--flag=value` and boolean flags; positionals are refused. */
function parseFlags(args: readonly string[], valued: readonly string[], booleans: readonly string[]): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (!valued.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option --${name}`);
    if (eq !== -1) flags.set(name, a.slice(eq + 1));
    else if (valued.includes(name)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else flags.set(name, true);
  }
  return flags;
}

const holderLine = (h: RoleHolder) => `${h.citizenId}  ${h.roles.map((r) => r.role).join(',').padEnd(13)}  ${h.displayName}`;

/**
 * Runs `permis admin <args…>` (with or without the leading `admin`) and returns the exit
 * code: 0 on success, 1 when the command failed (message printed), 2 on a usage error.
 * `invite` writes an `invitation.created` audit event with actor `cli`.
 */
export async function runAdminCommand(args: string[], ctx: AdminCommandContext): Promise<number> {
  const err = ctx.err ?? ctx.out;
  const rest = args[0] === 'admin' ? args.slice(1) : args;
  const [command, ...tail] = rest;
  try {
    switch (command) {
      case 'invite': {
        const flags = parseFlags(tail, ['role'], ['json']);
        const role = flags.get('role') ?? 'admin';
        if (typeof role !== 'string' || !isRole(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
        const { invitation, code } = await createInvitation(ctx.db, role as Role, { clock: ctx.clock, random: ctx.random, actorId: CLI_ACTOR });
        const url = enrolUrl(ctx.publicUrl, code);
        if (flags.has('json')) {
          ctx.out(JSON.stringify({ id: invitation.id, role, code, enrolUrl: url, expiresAt: invitation.expiresAt.toISOString() }, null, 2));
          return OK;
        }
        ctx.out(`One-time enrolment code for the ${role} role (valid until ${invitation.expiresAt.toISOString()}, single use):`);
        ctx.out('');
        ctx.out(`    ${code}`);
        ctx.out('');
        ctx.out(`Link:   ${url}`);
        ctx.out(`Redeem: sign in with a passkey at ${ctx.publicUrl}, then`);
        ctx.out(`        POST ${ctx.publicUrl.replace(/\/+$/, '')}/v1/auth/enrol  {"code": "${code}"}`);
        ctx.out('The code is shown only now; Permís keeps only its hash.');
        return OK;
      }
      case 'list': {
        const flags = parseFlags(tail, [], ['json']);
        const all: RoleHolder[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await listRoleHolders(ctx.db, { limit: 100, after });
          all.push(...page.items);
          if (!page.hasMore) break;
          after = page.items[page.items.length - 1]!.citizenId;
        }
        if (flags.has('json')) {
          const json = all.map((h) => ({ ...h, roles: h.roles.map((g) => ({ ...g, grantedAt: g.grantedAt.toISOString() })) }));
          ctx.out(JSON.stringify(json, null, 2));
        } else if (all.length === 0) {
          ctx.out('no account holds a role yet; run `permis admin invite` to bootstrap the first admin');
        } else {
          ctx.out(`${'CITIZEN ID'.padEnd(36)}  ${'ROLES'.padEnd(13)}  NAME`);
          for (const h of all) ctx.out(holderLine(h));
        }
        return OK;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return showHelp(command, ADMIN_USAGE, ctx.out, err);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const usage = usageFailure(e, ADMIN_USAGE, err);
    if (usage !== undefined) return usage;
    err(`error: ${e instanceof PermisError || e instanceof Error ? e.message : String(e)}`);
    return FAILED;
  }
}
