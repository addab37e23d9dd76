/**
 * `permis witness`: Permís as a C2SP tlog-witness. Its own Ed25519 key (a private JWK file,
 * made on first start), its own state (PGlite under DATA_DIR, or DATABASE_URL), the logs it
 * witnesses from a file of `log <vkey>` lines (the tlog-policy syntax), served over HTTP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { strictB64url } from '@permis/sdk/encoding';
import { parsePolicy } from '@permis/sdk/verify';
import { type Cosigner, ed25519Cosigner, formatCosignerKey } from '../crypto/cosignature.js';
import { isValidKeyName, type NoteVerifier } from '../crypto/signed-note.js';
import { systemClock } from '../domain/runtime.js';
import { createWitnessApp } from '../http/witness-app.js';
import type { Db } from '../storage/db.js';
import { writeKeyFile } from './cli/key-file.js';
import { parseEnv } from './config.js';
import { jsonLogger } from './log.js';
import { openRuntime } from './runtime.js';
import { ensurePortFree } from './startup.js';

/** The witness's settings (environment variables, docs/operators.md). */
export interface WitnessSettings {
  /** WITNESS_NAME: the cosigner key name, a schema-less URL such as `witness.barcelona.example`. */
  name: string;
  /** WITNESS_LOGS: a file of `log <vkey> [<url>]` lines (tlog-policy syntax; other lines ignored). */
  logsFile: string;
  /** WITNESS_KEY_FILE: the private JWK; made (mode 0600) when absent. Default `<DATA_DIR>/witness-key.json`. */
  keyFile: string;
}

/** Reads the witness settings from `env`; throws an Error naming what is missing. */
export function witnessSettings(env: Record<string, string | undefined>): WitnessSettings {
  const name = env.WITNESS_NAME;
  if (!name || !isValidKeyName(name)) throw new Error('WITNESS_NAME must be set to the witness key name, e.g. witness.barcelona.example (no spaces or "+")');
  const logsFile = env.WITNESS_LOGS;
  if (!logsFile) throw new Error('WITNESS_LOGS must name a file of "log <vkey>" lines: the logs this witness cosigns');
  return { name, logsFile, keyFile: env.WITNESS_KEY_FILE || join(resolve(env.DATA_DIR || './data'), 'witness-key.json') };
}

/** The logs of a file of `log <vkey>` lines (a tlog-policy; a missing quorum line means none). */
export async function witnessLogs(text: string): Promise<Map<string, NoteVerifier[]>> {
  const logLines = text.split('\n').filter((l) => /^\s*log\s/.test(l));
  const policy = await parsePolicy(`${logLines.join('\n')}\nquorum none\n`);
  const logs = new Map<string, NoteVerifier[]>();
  for (const l of policy.logs) logs.set(l.origin, [...(logs.get(l.origin) ?? []), l.verifier]);
  return logs;
}

/** The witness's cosigner from its key file, making a new Ed25519 key there on first use. */
export async function loadWitnessKey(file: string, name: string): Promise<Cosigner> {
  if (!existsSync(file)) {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await writeKeyFile(file, `${JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x })}\n`);
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as { kty?: string; crv?: string; d?: string; x?: string };
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) throw new Error(`${file} is not a private Ed25519 JWK`);
  const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x }, { name: 'Ed25519' }, false, ['sign']);
  const pub = strictB64url(jwk.x);
  if (!pub) throw new Error(`${file}: x is not base64url`);
  return ed25519Cosigner(name, key, pub);
}

/** A listening witness: its URL and how to stop it. */
export interface RunningWitness {
  url: string;
  vkey: string;
  close(): Promise<void>;
}

/** Serves a witness over `db` on `host:port` (0: any free port). For the CLI and for tests. */
export async function serveWitness(opts: { db: Db; cosigner: Cosigner; logs: Map<string, NoteVerifier[]>; port: number; host?: string; log?: ReturnType<typeof jsonLogger> }): Promise<RunningWitness> {
  const app = createWitnessApp({ db: opts.db, clock: systemClock, cosigner: opts.cosigner, logs: opts.logs, ...(opts.log ? { log: opts.log } : {}) });
  const host = opts.host ?? '127.0.0.1';
  return new Promise((done, fail) => {
    const server = serve({ fetch: app.fetch, port: opts.port, hostname: host }, (info) => {
      done({
        url: `http://${host}:${info.port}`,
        vkey: formatCosignerKey(opts.cosigner),
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
    server.once('error', fail);
  });
}

/** `permis witness`: runs until SIGINT/SIGTERM. */
export async function runWitness(env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const settings = witnessSettings(env);
  const parsed = parseEnv(env);
  const log = jsonLogger(parsed.LOG_LEVEL);
  const logs = await witnessLogs(readFileSync(settings.logsFile, 'utf8'));
  const cosigner = await loadWitnessKey(settings.keyFile, settings.name);
  await ensurePortFree(parsed.PORT, parsed.HOST);
  const rt = await openRuntime(parsed, { migrate: true });
  const w = await serveWitness({ db: rt.db, cosigner, logs, port: parsed.PORT, host: parsed.HOST, log });
  out(`Witness ${settings.name} is listening on ${w.url} (witnessing ${[...logs.keys()].join(', ') || 'no log'})`);
  out(`  its key (give it to the logs and put it in policies): ${w.vkey}`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await w.close();
  await rt.close();
  return 0;
}
