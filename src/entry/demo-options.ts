/** The demo's command line: options, defaults that follow the server's PORT and PUBLIC_URL, help. */
import { defaultKeyFile } from './cli/key-file.js';

/** What `npm run demo -- …` was asked to do. */
export interface DemoOptions {
  /** The server's public origin, without a trailing slash. */
  base: string;
  /** The service flow for this client id; the citizen-only flow when absent. */
  service?: string;
  /** The service's private JWK file. */
  keyFile?: string;
  browser: boolean;
  /** How long to wait for the server to answer at start, in seconds. */
  waitSeconds: number;
  /** A directory to write the consent's receipts to (`1.jws`, `2.jws`, …). */
  saveReceipts?: string;
  /** How many times to run the flow (each with a new citizen): activity for an open-data release. */
  repeat: number;
  help: boolean;
}

/** The demo's `--help`. */
export const DEMO_USAGE = `Usage: npm run demo -- [options]

Walks Permís end to end against a running server (start it first: npm start).

  (no options)              the citizen flow: sign up with a software passkey, grant, narrow,
                            pause, resume and withdraw a consent; verify every receipt
  --service <clientId>      the service flow: token (private_key_jwt), webhook receiver, request,
                            approval bound to the terms, check, withdrawal, webhooks, receipts
  --key <file>              the service's private JWK (default: the file \`services keygen\` writes,
                            ~/.config/permis/keys/<clientId>-key.json)
  --browser                 with --service: you approve and withdraw in the portal yourself
  --url <url>               the server (default: PUBLIC_URL if set, else http://localhost:$PORT,
                            PORT defaulting to 8787 — what \`npm start\` uses with the same variables)
  --wait <seconds>          how long to wait for the server to answer at start (default 30)
  --repeat <n>              run the flow n times (1–100), each with a new citizen: enough activity
                            for an open-data release to publish counts (docs/open-data.md)
  --save-receipts <dir>     also write the consent's receipts to <dir>/1.jws, 2.jws, … (to verify them again)
  --help                    this help

The demo's address must be the server's PUBLIC_URL: passkeys are bound to that origin.
It removes the webhook endpoint it registered when it ends.`;

/** Thrown for a wrong command line; the message and the usage are printed, exit 2. */
export class DemoUsageError extends Error {}

/**
 * Parses the demo's arguments. The server address defaults as the server's own public URL
 * does (`PUBLIC_URL`, else `http://localhost:$PORT`), so one environment serves both.
 */
export function parseDemoArgs(args: readonly string[], env: Record<string, string | undefined>): DemoOptions {
  const valued = ['--service', '--key', '--url', '--wait', '--save-receipts', '--repeat'];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (name === '--help' || name === '-h' || name === '--browser') flags.set(name === '-h' ? '--help' : name, true);
    else if (valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === '' || v.startsWith('--')) throw new DemoUsageError(`${name} needs a value`);
      flags.set(name, v);
    } else throw new DemoUsageError(`unknown option ${a}`);
  }
  const get = (n: string) => (typeof flags.get(n) === 'string' ? (flags.get(n) as string) : undefined);
  const port = env.PORT || '8787';
  const url = get('--url') ?? (env.PUBLIC_URL || `http://localhost:${port}`);
  if (!/^https?:\/\/[^/]+/.test(url)) throw new DemoUsageError(`--url must be an http(s) URL, not ${url}`);
  const wait = Number(get('--wait') ?? 30);
  if (!Number.isFinite(wait) || wait < 0) throw new DemoUsageError('--wait must be a number of seconds');
  const service = get('--service');
  const browser = flags.has('--browser');
  const repeat = Number(get('--repeat') ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new DemoUsageError('--repeat must be a whole number from 1 to 100');
  if (browser && repeat > 1) throw new DemoUsageError('--repeat cannot be combined with --browser');
  if (browser && !service) throw new DemoUsageError('--browser needs --service <clientId>');
  if (get('--key') && !service) throw new DemoUsageError('--key needs --service <clientId>');
  return {
    base: url.replace(/\/+$/, ''),
    ...(service ? { service, keyFile: get('--key') ?? defaultKeyFile(service, env) } : {}),
    browser,
    waitSeconds: wait,
    repeat,
    ...(get('--save-receipts') ? { saveReceipts: get('--save-receipts') } : {}),
    help: flags.has('--help'),
  };
}
