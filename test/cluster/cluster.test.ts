/**
 * Permís on a highly available PostgreSQL cluster (`npm run test:cluster`): a real
 * pg_auto_failover formation (monitor, primary, synchronous standby; test/cluster/formation.ts),
 * two Node replicas on its multi-host URL with different public URLs, a mixed load of
 * sign-ups, grants, pauses, resumes, withdrawals, checks, batch checks and webhooks, and the
 * primary killed with SIGKILL under it — twice: after the first failover the old node rejoins
 * as a standby and the new primary is killed in turn. Afterwards: everything acknowledged is
 * there (consents and their transitions, every check's audit event, every webhook), no check
 * permitted after an acknowledged withdrawal or pause, no 5xx but 503 problems with
 * Retry-After, no request longer than the deadline, and every checkpoint seen from either
 * replica verifies under one origin and is consistent with every other (no fork).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Checkpoint, verifyCheckpoint, verifyConsistencyProof } from '@permis/sdk/verify';
import postgres from 'postgres';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAt, sendTo, serviceTokenAt } from '../conformance/support/http.js';
import { cli, newKek, type Server, startNode } from '../conformance/support/processes.js';
import { createFormation, type Formation, formationAvailable, freePortRun } from './formation.js';
import { Workload } from './workload.js';

const CLIENT_ID = 'ajuts-energia';
/** The replicas' database limits; a request waits on a dead database at most about acquire + statement. */
const LIMITS = { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_ACQUIRE_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: '2000' };
const DEADLINE_MS = 1500 + 2000;
/** Scheduling noise on a shared two-core machine, on top of the deadline. */
const SLACK_MS = 1500;
const BASE_PORT = Number(process.env.CLUSTER_BASE_PORT ?? 21100);
const log = (line: string) => process.stdout.write(`cluster: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Skipped only off CI on a machine without the Debian packages; CI installs them (.ci/run).
describe.skipIf(!formationAvailable() && !process.env.CI)('Permís on a pg_auto_failover formation', () => {
  let formation: Formation;
  let url: string;
  let kek: string;
  let key: string;
  const replicas: Server[] = [];
  let work: Workload;
  const webhooks: { id: string; type: string; consentId?: string }[] = [];
  let receiver: HttpServer;
  let cliDir: string | undefined;
  const seen = new Map<string, string>(); // checkpoint note by "size root"
  let watching = true;
  let watcher: Promise<void>;

  beforeAll(async () => {
    const t0 = Date.now();
    formation = await createFormation({ basePort: BASE_PORT, log });
    const admin = postgres(await formation.uri('postgres'), { max: 1, onnotice: () => {} });
    await admin.unsafe('create database permis');
    await admin.end();
    url = await formation.uri('permis');
    kek = newKek();
    const dir = (cliDir = await mkdtemp(join(tmpdir(), 'permis-cluster-cli-')));
    const env = { DATABASE_URL: url, KEY_ENCRYPTION_KEY: kek, DATA_DIR: dir };
    await cli(env, 'migrate');
    await cli(env, 'services', 'add', '--file', 'examples/service.example.json');
    await cli(env, 'services', 'keygen', CLIENT_ID, '--out', join(dir, 'key.json'));
    key = await readFile(join(dir, 'key.json'), 'utf8');
    const ports = await freePortRun(BASE_PORT + 100, 3, BASE_PORT + 900);
    for (const [i, name] of ['a', 'b'].entries()) {
      // A multi-host URL is no WHATWG URL: the parameter is appended as text.
      // Different public URLs: the log must still have one origin.
      replicas.push(await startNode({ name: `cluster-${name}`, port: ports + i, databaseUrl: `${url}&application_name=permis-cluster-${name}`, kek, env: LIMITS }));
    }
    receiver = await startReceiver(webhooks, ports + 2);
    const base = replicas[0]!.baseUrl;
    const token = await serviceTokenAt(base, CLIENT_ID, key);
    const { secret } = await callAt(base, 'PUT', '/v1/service/webhook', { url: `http://localhost:${(receiver.address() as { port: number }).port}/hook` }, token);
    (receiver as HttpServer & { secret?: string }).secret = secret as string;
    work = new Workload(replicas.map((r) => r.baseUrl), CLIENT_ID, key);
    await work.prepare();
    watcher = watchCheckpoints(replicas.map((r) => r.baseUrl), seen, () => watching);
    log(`formation, database and two replicas ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 300_000);

  afterAll(async () => {
    watching = false;
    await work?.stop().catch(() => {});
    await watcher?.catch(() => {});
    await Promise.all(replicas.map((r) => r.stop()));
    receiver?.close();
    await formation?.stop();
    if (cliDir) await rm(cliDir, { recursive: true, force: true });
  });

  /** Load for `before` ms, kill the primary, keep the load until writes resume plus `after` ms. */
  async function failover(before: number, after: number): Promise<{ killedAt: number; resumedAt: number }> {
    const primary = await formation.waitStable();
    work.resetTokens();
    work.start({ lifecycles: 4, checkers: 4, batches: 1 });
    await sleep(before);
    const killedAt = Date.now();
    formation.kill(primary);
    log(`killed the primary ${primary.name}`);
    const promoted = await formation.waitPromoted(primary);
    let resumedAt: number | undefined;
    for (const end = Date.now() + 60_000; !resumedAt && Date.now() < end; await sleep(200)) resumedAt = work.firstAckAfter(killedAt);
    await sleep(after);
    await work.stop();
    expect(resumedAt, 'writes resumed').toBeDefined();
    log(`${promoted.name} promoted; first write acknowledged ${((resumedAt! - killedAt) / 1000).toFixed(1)} s after the kill`);
    return { killedAt, resumedAt: resumedAt! };
  }

  it('keeps answering through a failover, and through a second one after the old primary rejoins', async () => {
    const first = await failover(6000, 4000);
    const old = formation.nodes.find((n) => !n.child)!;
    formation.restart(old);
    await formation.waitStable();
    log(`${old.name} rejoined as a standby`);
    const second = await failover(4000, 4000);
    formation.restart(formation.nodes.find((n) => !n.child)!);
    expect(first.resumedAt - first.killedAt).toBeLessThan(60_000);
    expect(second.resumedAt - second.killedAt).toBeLessThan(60_000);
    log(`${work.calls.length} calls, ${work.acks.length} acknowledged transitions, ${work.checks.length} acknowledged checks`);
  });

  it('answered every failure with a 503 problem and Retry-After, and never waited past the deadline', () => {
    const errors = work.calls.filter((c) => c.status >= 500 || c.status === 0);
    expect(errors.filter((c) => c.status !== 503 || c.code !== 'service_unavailable' || !c.retryAfter)).toEqual([]);
    const longest = work.calls.reduce((m, c) => Math.max(m, c.ms), 0);
    log(`503 answers: ${errors.length}; longest request: ${longest} ms (deadline ${DEADLINE_MS} ms + ${SLACK_MS} ms of slack)`);
    expect(work.calls.filter((c) => c.ms > DEADLINE_MS + SLACK_MS)).toEqual([]);
  });

  it('never permitted a check after an acknowledged withdrawal or pause', () => {
    expect(work.checks.filter((c) => c.decision === 'permit').length).toBeGreaterThan(0);
    expect(work.unsafePermits()).toEqual([]);
  });

  it('kept every acknowledged write and every acknowledged check in the audit log', async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const consents = [...new Set(work.acks.map((a) => a.consentId))];
      const rows = await sql<{ id: string; status: string; revisions: number }[]>`
        select c.id::text, c.status, (select count(*)::int from consent_revisions r where r.consent_id = c.id) as revisions
        from consents c where c.id = any(${consents}::uuid[])`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of consents) {
        const acks = work.acks.filter((a) => a.consentId === id);
        const last = acks[acks.length - 1]!;
        const row = byId.get(id);
        expect(row, `consent ${id}`).toBeDefined();
        expect(row!.status).toBe({ granted: 'active', resumed: 'active', paused: 'paused', withdrawn: 'withdrawn' }[last.action]);
        expect(row!.revisions).toBeGreaterThanOrEqual(acks.length);
      }
      const ids = work.checks.map((c) => c.checkId);
      const [found] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events where id = any(${ids}::uuid[]) and type = 'consent.checked'`;
      expect(found!.n).toBe(new Set(ids).size);
    } finally {
      await sql.end();
    }
  });

  it('delivered a webhook for every acknowledged grant, pause, resume and withdrawal', async () => {
    const want = work.acks.map((a) => `consent.${a.action}:${a.consentId}`);
    const got = () => new Set(webhooks.map((w) => `${w.type}:${w.consentId}`));
    for (const end = Date.now() + 60_000; want.some((w) => !got().has(w)) && Date.now() < end; ) await sleep(500);
    expect(want.filter((w) => !got().has(w))).toEqual([]);
  });

  it('signed one log under one origin: every checkpoint seen verifies and is consistent with the others', async () => {
    watching = false;
    await watcher;
    const keys = await Promise.all(replicas.map(async (r) => (await sendTo(r.baseUrl, 'GET', '/v1/log/key')).text.trim()));
    expect(new Set(keys).size).toBe(1);
    const cps: Checkpoint[] = [];
    for (const note of seen.values()) cps.push(await verifyCheckpoint(note, [keys[0]!]));
    expect(new Set(cps.map((c) => c.origin)).size).toBe(1);
    const bySize = new Map<bigint, Checkpoint>();
    for (const c of cps) {
      const other = bySize.get(c.size);
      if (other) expect(Buffer.from(other.root).equals(Buffer.from(c.root)), `two roots for size ${c.size}`).toBe(true);
      bySize.set(c.size, c);
    }
    const sizes = [...bySize.keys()].filter((s) => s > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    log(`${cps.length} distinct checkpoints seen, sizes ${sizes[0]} … ${sizes[sizes.length - 1]}`);
    expect(sizes.length).toBeGreaterThan(2);
    for (let i = 1; i < sizes.length; i++) {
      const [from, to] = [bySize.get(sizes[i - 1]!)!, bySize.get(sizes[i]!)!];
      const proof = await callAt(replicas[i % 2]!.baseUrl, 'GET', `/v1/log/proof/consistency?from=${from.size}&to=${to.size}`);
      await verifyConsistencyProof(proof as never, from, to);
    }
  });
});

/** Polls both replicas' checkpoints (as a monitor would) until `on()` turns false. */
async function watchCheckpoints(bases: string[], seen: Map<string, string>, on: () => boolean): Promise<void> {
  while (on()) {
    for (const base of bases) {
      const res = await sendTo(base, 'GET', '/v1/log/checkpoint').catch(() => undefined);
      if (res?.status === 200) {
        const [, size, root] = res.text.split('\n');
        seen.set(`${size} ${root}`, res.text);
      }
    }
    await sleep(300);
  }
}

/** A local webhook receiver that verifies each Standard Webhooks signature. */
async function startReceiver(into: { id: string; type: string; consentId?: string }[], port: number): Promise<HttpServer> {
  const server: HttpServer & { secret?: string } = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const payload = new Webhook(server.secret!).verify(body, req.headers as Record<string, string>) as { type: string; data?: { consentId?: string; consent?: { id?: string } } };
        into.push({ id: String(req.headers['webhook-id']), type: payload.type, consentId: payload.data?.consentId ?? payload.data?.consent?.id });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}
