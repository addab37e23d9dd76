import { KEY_USES, type KeyUse } from '../../crypto/key-ring.js';
import { KeyError } from '../../crypto/key-error.js';
import { listKeys } from '../../keys/list-keys.js';
import { rotateKey } from '../../keys/rotate-key.js';
import type { Clock, Random } from '../../domain/runtime.js';
import type { Db } from '../../storage/db.js';

/** What `keys` commands receive from the dispatcher (src/entry/cli.ts). */
export interface KeysCommandContext {
  db: Db;
  kek: Uint8Array;
  clock: Clock;
  random: Random;
  out: (line: string) => void;
  /** Where errors go; defaults to `out`. */
  err?: (line: string) => void;
  /**
   * Uses whose key comes from configuration (e.g. RECEIPT_SIGNING_KEY): rotating them here
   * would be undone at the next start, so `rotate` refuses them and points at the variable.
   */
  configuredUses?: readonly KeyUse[];
}

const USAGE = `Usage:
  keys list                                       list signing keys (public data only)
  keys rotate <receipt|token|checkpoint|all>      make a new active key; the old one is retired
                                                  and its public key stays in the JWKS`;

const ENV_OF: Record<KeyUse, string> = {
  receipt: 'RECEIPT_SIGNING_KEY',
  token: 'TOKEN_SIGNING_KEY',
  checkpoint: 'CHECKPOINT_SIGNING_KEY',
};

const fmt = (d: Date | null): string => (d ? d.toISOString() : '-');

async function list(ctx: KeysCommandContext): Promise<number> {
  const keys = await listKeys(ctx.db);
  if (keys.length === 0) {
    ctx.out('No signing keys yet: the server generates them on first start (or run `keys rotate all`).');
    return 0;
  }
  const kidWidth = Math.max(3, ...keys.map((k) => k.kid.length));
  const row = (cells: string[]) => `${cells[0]!.padEnd(kidWidth)}  ${cells[1]!.padEnd(10)}  ${cells[2]!.padEnd(7)}  ${cells[3]!.padEnd(24)}  ${cells[4]}`;
  ctx.out(row(['KID', 'USE', 'STATUS', 'CREATED', 'RETIRED']));
  for (const k of keys) ctx.out(row([k.kid, k.use, k.status, fmt(k.createdAt), fmt(k.retiredAt)]));
  return 0;
}

async function rotate(target: string | undefined, ctx: KeysCommandContext): Promise<number> {
  const err = ctx.err ?? ctx.out;
  if (target !== 'all' && !KEY_USES.includes(target as KeyUse)) {
    err(`keys rotate needs one of: ${KEY_USES.join(', ')}, all`);
    err(USAGE);
    return 2;
  }
  const configured = new Set(ctx.configuredUses ?? []);
  const uses = target === 'all' ? KEY_USES : [target as KeyUse];
  let refused = false;
  for (const use of uses) {
    if (configured.has(use)) {
      const line = `${use}: not rotated, its key comes from ${ENV_OF[use]}; change that variable instead`;
      if (target === 'all') ctx.out(line);
      else err(line);
      refused = target !== 'all';
      continue;
    }
    const { kid, retiredKid } = await rotateKey(ctx.db, use, { kek: ctx.kek, clock: ctx.clock });
    ctx.out(`${use}: new active key ${kid}${retiredKid ? `; retired ${retiredKid} (its public key stays published)` : ''}`);
  }
  if (!refused) ctx.out('Running servers switch to the new keys within a few seconds.');
  return refused ? 1 : 0;
}

/**
 * Runs `keys list` or `keys rotate <use|all>`; prints public data only (kid, use, status,
 * dates), never key material. Returns the exit code: 0 done, 1 refused or failed, 2 usage.
 */
export async function runKeysCommand(args: string[], ctx: KeysCommandContext): Promise<number> {
  const err = ctx.err ?? ctx.out;
  const [sub, ...rest] = args;
  try {
    if (sub === 'list' && rest.length === 0) return await list(ctx);
    if (sub === 'rotate' && rest.length === 1) return await rotate(rest[0], ctx);
  } catch (e) {
    if (e instanceof KeyError) {
      err(`Error (${e.code}): ${e.message}`);
      return 1;
    }
    throw e;
  }
  err(USAGE);
  return 2;
}
