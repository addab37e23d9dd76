/**
 * The conformance suite's only way in: `fetch` against the target's base URL. Citizens with a
 * software passkey, the service's private_key_jwt token, background work (cron on the Worker,
 * timers on Node), and a local webhook receiver.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import type { SoftAuthenticator } from '../../../src/devtools/soft-authenticator.js';
import { type Answer, callAt, type Citizen, type Json, sendTo, serviceTokenAt, signInAt, signUpAt } from './http.js';

export type { Answer, Citizen, Json };

/** What the global setup started: target, base URL, the registered service and an officer code. */
export const conf = inject('conformance');
export const base = conf.baseUrl;

/** `sendTo` the target. */
export const send = (method: string, path: string, body?: unknown, token?: string): Promise<Answer> => sendTo(base, method, path, body, token);
/** `callAt` the target. */
export const call = (method: string, path: string, body?: unknown, token?: string): Promise<Json> => callAt(base, method, path, body, token);
/** A new citizen signed up at the target. */
export const signUp = (displayName?: string): Promise<Citizen> => signUpAt(base, displayName);
/** The citizen signs in again at the target. */
export const signIn = (authenticator: SoftAuthenticator): Promise<Citizen> => signInAt(base, authenticator);
/** An access token of the registered service at the target. */
export const serviceToken = (): Promise<string> => serviceTokenAt(base, conf.clientId, conf.serviceKey);

/** The registered service as the public listing shows it. */
export async function registeredService(): Promise<Json> {
  const list = await call('GET', '/v1/services?limit=100');
  const s = (list.items as Json[]).find((x) => x.clientId === conf.clientId);
  if (!s) throw new Error(`${conf.clientId} is not listed`);
  return s;
}

/**
 * Lets background work run once: on the Worker, fires the Cron Trigger (`GET /__scheduled`,
 * wrangler dev --test-scheduled); on Node the jobs run on timers every second, so it waits one.
 */
export async function runBackground(): Promise<void> {
  if (conf.target === 'worker') {
    const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    await res.text();
    if (!res.ok) throw new Error(`/__scheduled → ${res.status}`);
  } else {
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Runs background work until `probe` returns a value (not undefined), or fails after `seconds`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, seconds = 60): Promise<T> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await runBackground();
  }
  throw new Error(`${what}: not within ${seconds} s on ${conf.target}`);
}

/** A webhook receiver on 127.0.0.1: what it received (headers, raw body). */
export interface Receiver {
  url: string;
  received: { headers: Record<string, string>; body: string }[];
  close(): Promise<void>;
}

/** Starts a local webhook receiver answering 204. */
export async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const server: HttpServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/permis`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
