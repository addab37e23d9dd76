/**
 * A mixed load against Permís replicas, over HTTP only, that remembers what was acknowledged:
 * citizens sign up with a software passkey and take a consent through grant, pause, resume and
 * withdraw (each step retried after a 503 until it is acknowledged); a service checks one
 * subject at a time and in batches of 25. Every call is recorded (status, problem code,
 * duration), so the cluster suite and `npm run bench:failover` can judge what a failover did.
 */
import { randomUUID } from 'node:crypto';
import { decodeReceiptUnverified } from '@permis/sdk/verify';
import { type Json, sendTo, serviceTokenAt, signUpAt } from '../conformance/support/http.js';

/** One HTTP call as the client saw it. */
export interface Call {
  replica: number;
  kind: string;
  start: number;
  ms: number;
  /** HTTP status; 0 when no answer came (connection refused or reset). */
  status: number;
  code?: string;
  retryAfter?: string | null;
}

/** An acknowledged transition of a consent (or its grant). */
export interface Ack {
  consentId: string;
  subjectRef: string;
  action: 'granted' | 'paused' | 'resumed' | 'withdrawn';
  sentAt: number;
  ackAt: number;
}

/** An acknowledged check. */
export interface CheckAck {
  subjectRef: string;
  decision: 'permit' | 'deny';
  reason?: string;
  checkId: string;
  sentAt: number;
  ackAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The load, its records and the knobs to start and stop it. */
export class Workload {
  readonly calls: Call[] = [];
  readonly acks: Ack[] = [];
  readonly checks: CheckAck[] = [];
  readonly subjects: string[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private tokens: (string | undefined)[];
  private purpose = '';
  private category = '';
  private serviceId = '';

  constructor(
    readonly replicas: readonly string[],
    private readonly clientId: string,
    private readonly key: string,
  ) {
    this.tokens = replicas.map(() => undefined);
  }

  /** Reads the service's id and terms. */
  async prepare(): Promise<void> {
    const res = await this.call(0, 'services', 'GET', '/v1/services?limit=100');
    const svc = (res.body.items as Json[]).find((s) => s.clientId === this.clientId)!;
    this.serviceId = svc.id as string;
    this.purpose = (svc.purposes as string[])[0]!;
    this.category = (svc.categories as string[])[0]!;
  }

  /** Sends one request and records it. */
  async call(replica: number, kind: string, method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
    const start = Date.now();
    const base = this.replicas[replica]!;
    try {
      const res = await (Object.keys(headers).length
        ? sendWithHeaders(base, method, path, body, token, headers)
        : sendTo(base, method, path, body, token));
      this.calls.push({ replica, kind, start, ms: Date.now() - start, status: res.status, code: res.body.code as string | undefined, retryAfter: res.headers.get('retry-after') });
      return res;
    } catch {
      this.calls.push({ replica, kind, start, ms: Date.now() - start, status: 0 });
      return { status: 0, body: {} as Json, text: '', headers: new Headers() };
    }
  }

  /** Repeats `attempt` (a 503 or no answer means: try again shortly) until it gives an answer. */
  private async untilAnswered<T>(attempt: () => Promise<T | undefined>, seconds = 60): Promise<T> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const out = await attempt();
      if (out !== undefined) return out;
      if (Date.now() > end) throw new Error('no answer within the retry window');
      await sleep(150);
    }
  }

  private async token(replica: number): Promise<string> {
    this.tokens[replica] ??= await this.untilAnswered(async () => serviceTokenAt(this.replicas[replica]!, this.clientId, this.key).catch(() => undefined));
    return this.tokens[replica]!;
  }

  /** Refreshes the service tokens (they live five minutes). */
  resetTokens(): void {
    this.tokens = this.replicas.map(() => undefined);
  }

  /** One citizen through sign-up, grant, pause, resume and withdraw, on replica `r`. */
  private async lifecycle(r: number): Promise<void> {
    const base = this.replicas[r]!;
    const citizen = await this.untilAnswered(async () => signUpAt(base, 'Cluster Citizen').catch(() => undefined));
    const idem = randomUUID();
    const grantSent = Date.now();
    const granted = await this.untilAnswered(async () => {
      const res = await this.call(r, 'grant', 'POST', '/v1/me/consents', {
        serviceId: this.serviceId, purposes: [this.purpose], dataCategories: [this.category],
        validUntil: new Date(Date.now() + 86_400_000).toISOString(), notice: { language: 'en', version: 'c-1', text: 'I agree.' },
      }, citizen.token, { 'idempotency-key': idem });
      return res.status === 201 || res.status === 200 ? res.body : undefined;
    });
    const consentId = granted.consent.id as string;
    const receipts = await this.untilAnswered(async () => {
      const res = await this.call(r, 'read', 'GET', `/v1/me/consents/${consentId}/receipts`, undefined, citizen.token);
      return res.status === 200 ? (res.body.items as { jws: string }[]) : undefined;
    });
    const subjectRef = decodeReceiptUnverified(receipts[0]!.jws).piiPrincipalId as string;
    this.acks.push({ consentId, subjectRef, action: 'granted', sentAt: grantSent, ackAt: Date.now() });
    this.subjects.push(subjectRef);
    const steps = [['pause', 'paused'], ['resume', 'resumed'], ['withdraw', 'withdrawn']] as const;
    for (const [verb, action] of steps) {
      if (!this.running) return;
      await sleep(300);
      const sentAt = Date.now();
      await this.untilAnswered(async () => {
        const res = await this.call(r, verb, 'POST', `/v1/me/consents/${consentId}/${verb}`, undefined, citizen.token);
        // 409: an earlier attempt (answered 503) did commit; it is known only now.
        return res.status === 200 || res.status === 409 ? true : undefined;
      });
      this.acks.push({ consentId, subjectRef, action, sentAt, ackAt: Date.now() });
    }
  }

  private async checkOne(r: number): Promise<void> {
    if (this.subjects.length === 0) return void (await sleep(50));
    const subjectRef = this.subjects[Math.floor(Math.random() * this.subjects.length)]!;
    const sentAt = Date.now();
    const res = await this.call(r, 'check', 'POST', '/v1/check', { subjectRef, purpose: this.purpose, dataCategory: this.category }, await this.token(r));
    if (res.status === 200) this.checks.push({ subjectRef, decision: res.body.decision, reason: res.body.reason, checkId: res.body.checkId, sentAt, ackAt: Date.now() });
    else if (res.status === 401) this.tokens[r] = undefined;
    else await sleep(100);
  }

  private async checkBatch(r: number): Promise<void> {
    if (this.subjects.length === 0) return void (await sleep(50));
    const items = Array.from({ length: 25 }, () => ({ subjectRef: this.subjects[Math.floor(Math.random() * this.subjects.length)]!, purpose: this.purpose, dataCategory: this.category }));
    const sentAt = Date.now();
    const res = await this.call(r, 'batch', 'POST', '/v1/check/batch', { items }, await this.token(r));
    if (res.status === 200) {
      const ackAt = Date.now();
      (res.body.results as Json[]).forEach((x, i) => this.checks.push({ subjectRef: items[i]!.subjectRef, decision: x.decision, reason: x.reason, checkId: x.checkId, sentAt, ackAt }));
    } else if (res.status === 401) this.tokens[r] = undefined;
    else await sleep(100);
  }

  /** Starts `lifecycles` citizen workers, `checkers` single-check workers and one batch worker, over every replica in turn. */
  start(opts: { lifecycles: number; checkers: number; batches?: number }): void {
    this.running = true;
    const loop = (i: number, step: (r: number) => Promise<void>) =>
      (async () => {
        for (let n = 0; this.running; n++) {
          try {
            await step((i + n) % this.replicas.length);
          } catch {
            await sleep(200);
          }
        }
      })();
    for (let i = 0; i < opts.lifecycles; i++) this.workers.push(loop(i, (r) => this.lifecycle(r)));
    for (let i = 0; i < opts.checkers; i++) this.workers.push(loop(i, (r) => this.checkOne(r)));
    for (let i = 0; i < (opts.batches ?? 1); i++) this.workers.push(loop(i, (r) => this.checkBatch(r)));
  }

  /** Stops the load; resolves when every worker has finished its step. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  /**
   * Permits that should have been denies: a check sent after a withdrawal or a pause of its
   * consent was acknowledged, with no resume sent before the check was answered.
   */
  unsafePermits(): CheckAck[] {
    const bySubject = new Map<string, Ack[]>();
    for (const a of this.acks) bySubject.set(a.subjectRef, [...(bySubject.get(a.subjectRef) ?? []), a]);
    return this.checks.filter((c) => {
      if (c.decision !== 'permit') return false;
      const acks = bySubject.get(c.subjectRef) ?? [];
      return acks.some(
        (a) =>
          (a.action === 'withdrawn' || a.action === 'paused') &&
          a.ackAt < c.sentAt &&
          !(a.action === 'paused' && acks.some((b) => b.action === 'resumed' && b.sentAt < c.ackAt)),
      );
    });
  }

  /** Writes acknowledged after `t`: the first one marks when writes resumed. */
  firstAckAfter(t: number): number | undefined {
    const write = new Set(['grant', 'pause', 'resume', 'withdraw']);
    const ok = this.calls.filter((c) => write.has(c.kind) && c.start >= t && c.status >= 200 && c.status < 300).map((c) => c.start + c.ms);
    return ok.length ? Math.min(...ok) : undefined;
  }
}

/** `sendTo` with extra headers (the idempotency key). */
async function sendWithHeaders(base: string, method: string, path: string, body: unknown, token: string | undefined, headers: Record<string, string>) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    /* a text answer */
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}
