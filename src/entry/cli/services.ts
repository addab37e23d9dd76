/**
 * `permis services …`: the admin's command line for the service registry.
 * The registration file format is documented by examples/service.example.json.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { PermisError, ValidationError } from '../../domain/errors.js';
import type { Clock, Random } from '../../domain/runtime.js';
import { type Service, serviceStatuses, type ServiceStatus } from '../../domain/service.js';
import type { Db } from '../../storage/db.js';
import { findService, listServices } from '../../storage/services-repo.js';
import { createService } from '../../services/create-service.js';
import { type RegistryContext } from '../../services/registry-context.js';
import { setServiceJwks } from '../../services/set-service-jwks.js';
import { setServiceStatus } from '../../services/set-service-status.js';
import { FAILED, OK, showHelp, UsageError, usageFailure } from './common.js';

/** What the services command needs; `out` prints a line, `err` (default `out`) an error line. */
export interface ServicesCommandContext {
  db: Db;
  clock: Clock;
  random: Random;
  out: (line: string) => void;
  err?: (line: string) => void;
  readFile: (path: string) => Promise<string>;
  /** Writes a secret file readable by its owner only (for `keygen`); may return a warning to print. */
  writeSecretFile?: (path: string, text: string) => Promise<string | undefined | void>;
  /** Where `keygen` writes the private key of `clientId` when `--out` is not given. */
  defaultKeyFile?: (clientId: string) => string;
}

/** The help text of `permis services`. */
export const SERVICES_USAGE = `Usage: permis services <command>

Commands:
  add --file <service.json>                  register a service (format: examples/service.example.json)
  list [--status active|suspended] [--json]  list registered services
  show <clientId|id>                         print one service as JSON
  suspend <clientId|id>                      suspend a service: it can no longer ask for or check consents
  activate <clientId|id>                     activate a suspended service again
  set-jwks <clientId|id> --file <jwks.json>  replace the service's public JWK Set ({"keys": [...]})
  keygen <clientId|id> [--out <key.json>]    make a new Ed25519 key for the service: the public key is added
                                             to its JWKS, the private JWK is written to <key.json> (mode 0600;
                                             default ~/.config/permis/keys/<clientId>-key.json, outside the checkout)
  help                                       show this help`;


interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Splits `args` into positionals and `--flag value` / `--flag=value` / boolean flags. */
function parseArgs(args: readonly string[], valued: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1) flags.set(name, a.slice(eq + 1));
    else if (valued.includes(name)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    } else flags.set(name, true);
  }
  return { positional, flags };
}

function only(p: Parsed, allowed: readonly string[], positionals: number): void {
  const unknown = [...p.flags.keys()].filter((f) => !allowed.includes(f));
  if (unknown.length) throw new UsageError(`unknown option ${unknown.map((f) => `--${f}`).join(', ')}`);
  if (p.positional.length !== positionals) {
    throw new UsageError(positionals === 0 ? `unexpected argument ${p.positional[0]}` : 'expected exactly one service (its clientId or id)');
  }
}

function fileFlag(p: Parsed): string {
  const f = p.flags.get('file');
  if (typeof f !== 'string' || f === '') throw new UsageError('--file <path> is required');
  return f;
}

async function readJson(ctx: ServicesCommandContext, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await ctx.readFile(path);
  } catch (err) {
    throw new PermisError('validation_failed', `cannot read ${path}: ${(err as Error).message ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PermisError('malformed_json', `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

const summary = (s: Service) => `${s.clientId} (${s.id}) is ${s.status}`;

/** The admin view of a service: everything, timestamps included. */
const asJson = (s: Service) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

/**
 * Runs `permis services <args…>` (with or without the leading `services`) and returns the
 * exit code: 0 on success, 1 when the command failed (message printed), 2 on a usage error.
 */
export async function runServicesCommand(args: string[], ctx: ServicesCommandContext): Promise<number> {
  const err = ctx.err ?? ctx.out;
  const rest = args[0] === 'services' ? args.slice(1) : args;
  const [command, ...tail] = rest;
  const registry: RegistryContext = { clock: ctx.clock, random: ctx.random, actor: { type: 'admin', id: 'cli' } };
  let ref = '';
  try {
    switch (command) {
      case 'add': {
        const p = parseArgs(tail, ['file']);
        only(p, ['file'], 0);
        const service = await createService(ctx.db, await readJson(ctx, fileFlag(p)), registry);
        ctx.out(`registered ${summary(service)}`);
        return OK;
      }
      case 'list': {
        const p = parseArgs(tail, ['status']);
        only(p, ['status', 'json'], 0);
        const status = p.flags.get('status');
        if (status !== undefined && !serviceStatuses.includes(status as ServiceStatus)) {
          throw new UsageError(`--status must be one of ${serviceStatuses.join(', ')}`);
        }
        const all: Service[] = [];
        let cursor: string | undefined;
        do {
          const page = await listServices(ctx.db, { limit: 100, cursor, status: status as ServiceStatus | undefined });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        if (p.flags.has('json')) {
          ctx.out(JSON.stringify(all.map(asJson), null, 2));
        } else if (all.length === 0) {
          ctx.out('no services registered');
        } else {
          const w = Math.max(9, ...all.map((s) => s.clientId.length));
          ctx.out(`${'CLIENT ID'.padEnd(w)}  ${'STATUS'.padEnd(9)}  ${'ID'.padEnd(36)}  NAME`);
          for (const s of all) ctx.out(`${s.clientId.padEnd(w)}  ${s.status.padEnd(9)}  ${s.id}  ${s.name.ca}`);
        }
        return OK;
      }
      case 'show': {
        const p = parseArgs(tail, []);
        only(p, [], 1);
        ref = p.positional[0]!;
        const service = await findService(ctx.db, ref);
        if (!service) return fail(err, `no service "${ref}"`);
        ctx.out(JSON.stringify(asJson(service), null, 2));
        return OK;
      }
      case 'suspend':
      case 'activate': {
        const p = parseArgs(tail, []);
        only(p, [], 1);
        ref = p.positional[0]!;
        const target: ServiceStatus = command === 'suspend' ? 'suspended' : 'active';
        const { service, changed } = await setServiceStatus(ctx.db, ref, target, registry);
        ctx.out(changed ? `${summary(service)} now` : `${summary(service)} already; nothing changed`);
        return OK;
      }
      case 'set-jwks': {
        const p = parseArgs(tail, ['file']);
        only(p, ['file'], 1);
        ref = p.positional[0]!;
        const service = await setServiceJwks(ctx.db, ref, await readJson(ctx, fileFlag(p)), registry);
        const kids = service.jwks.keys.map((k) => k.kid);
        ctx.out(`${service.clientId}: JWKS replaced; ${kids.length ? `kids ${kids.join(', ')}` : 'no keys'}`);
        return OK;
      }
      case 'keygen': {
        const p = parseArgs(tail, ['out']);
        only(p, ['out'], 1);
        ref = p.positional[0]!;
        const given = p.flags.get('out');
        if (given === true || given === '') throw new UsageError('--out needs a file name');
        if (!ctx.writeSecretFile) return fail(err, 'writing key files is not available here');
        const existing = await findService(ctx.db, ref);
        if (!existing) return fail(err, `no service "${ref}"`);
        const out = given ?? ctx.defaultKeyFile?.(existing.clientId);
        if (!out) throw new UsageError('--out <key.json> is required');
        const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
        const pub = await exportJWK(publicKey);
        const kid = await calculateJwkThumbprint(pub);
        const publicJwk = { ...pub, kid, alg: 'EdDSA', use: 'sig' };
        // Write the private key first: a public key whose private half was lost would be useless.
        const warning = await ctx.writeSecretFile(out, `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' }, null, 2)}\n`);
        if (warning) err(warning);
        const service = await setServiceJwks(ctx.db, existing.id, { keys: [...existing.jwks.keys, publicJwk] }, registry);
        ctx.out(`${service.clientId}: new key ${kid} added to the JWKS; private JWK written to ${out} — keep it secret`);
        return OK;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return showHelp(command, SERVICES_USAGE, ctx.out, err);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    const usage = usageFailure(e, SERVICES_USAGE, err);
    if (usage !== undefined) return usage;
    if (e instanceof ValidationError) {
      err('error: the input is invalid:');
      for (const fe of e.errors) err(`  ${fe.field}: ${fe.message}`);
      return FAILED;
    }
    if (e instanceof PermisError) return fail(err, e.code === 'not_found' ? `no service "${ref}"` : e.message);
    return fail(err, `${(e as Error)?.message ?? String(e)}`);
  }
}

function fail(err: (line: string) => void, message: string): number {
  err(`error: ${message}`);
  return FAILED;
}
