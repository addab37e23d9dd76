/**
 * Runs the documentation's shell commands as written (see docs/development.md, "The
 * documentation's commands"): every `sh` block not marked `<!-- not run: … -->`, in order, with
 * bash from the repository root, each document with its own home directory, data directory,
 * ports 271xx for 87xx and, for docs/*.md, a throwaway PostgreSQL database with the example
 * service, its key and a server. A failing command fails the test with its output.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksOf, documents, ROOT } from './markdown.js';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** 87xx → 271xx: the documents say 8787; the commands run on ports of this test's range. */
const port = (p: string) => String(27100 + (Number(p) - 8700));
const rewrite = (code: string) =>
  code
    .replace(/\b(localhost|127\.0\.0\.1):87(\d\d)\b/g, (_m, host: string, p: string) => `${host}:${port(`87${p}`)}`)
    .replace(/\bPORT=87(\d\d)\b/g, (_m, p: string) => `PORT=${port(`87${p}`)}`)
    // CI has just run `npm ci`; running it again would replace node_modules under the running tests.
    .replace(/^npm ci( --[\w-]+)*( && )?/gm, '');

interface Run {
  code: number | null;
  output: string;
}

/** Runs `script` with bash in its own process group; kills what it left behind (servers started with &). */
function bash(script: string, env: Record<string, string>, timeoutMs = 300_000): Promise<Run> {
  return new Promise((done) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(child);
      done({ code, output });
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Untracked files, to remove what the commands wrote into the checkout (log-key.txt, …). */
const untracked = () => new Set(execFileSync('git', ['ls-files', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean));

async function waitReady(url: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** A document's environment: its own home and data directory; for docs/, a database, the service and a server. */
async function environment(doc: string): Promise<Record<string, string>> {
  const home = mkdtempSync(join(tmpdir(), 'permis-docs-'));
  cleanups.push(async () => rmSync(home, { recursive: true, force: true }));
  const env: Record<string, string> = {
    HOME: home,
    XDG_CONFIG_HOME: '',
    DATA_DIR: join(home, 'data'),
    PORT: port('8787'),
    PERMIS_URL: `http://localhost:${port('8787')}`,
    NO_UPDATE_NOTIFIER: '1',
    npm_config_update_notifier: 'false',
    LOG_LEVEL: 'warn',
  };
  if (!doc.startsWith('docs/')) return env;
  const name = `permis_docs_${randomBytes(5).toString('hex')}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  cleanups.push(async () => {
    const a = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  const setup = await bash(
    'npm run -s permis -- services add --file examples/service.example.json && npm run -s permis -- services keygen ajuts-energia',
    env,
  );
  expect(setup.code, setup.output).toBe(0);
  const server = spawn('bash', ['-c', 'exec npm start'], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
  cleanups.push(async () => killGroup(server));
  await waitReady(`${env.PERMIS_URL}/readyz`, 90);
  return env;
}

describe('the documentation’s commands, as written', () => {
  // DOCS_ONLY=docs/operators.md,README.md runs only those (while editing them).
  const only = (process.env.DOCS_ONLY ?? '').split(',').filter(Boolean);
  for (const doc of documents().filter((d) => !only.length || only.includes(d))) {
    const blocks = blocksOf(doc).filter((b) => b.lang === 'sh' && !b.notRun);
    if (blocks.length === 0) continue;
    it(`${doc}: ${blocks.length} block(s)`, async () => {
      const before = untracked();
      const env = await environment(doc);
      try {
        for (const b of blocks) {
          const r = await bash(rewrite(b.code), env);
          expect(r.code, `${doc}:${b.line} failed:\n${b.code}\n--- output ---\n${r.output.slice(-6000)}`).toBe(0);
        }
      } finally {
        for (const f of untracked()) if (!before.has(f) && existsSync(join(ROOT, f))) rmSync(join(ROOT, f), { force: true });
      }
    });
  }
});
