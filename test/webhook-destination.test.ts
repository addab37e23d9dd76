// Issue 16, finding 7: a webhook URL's host name was never resolved and checked, so a name
// pointing at a private address was delivered to. The Node client now resolves, checks and
// connects to the checked address.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedDeliveryAddress } from '../src/domain/webhook-url.js';
import { webhookAllowPrivate, parseEnv } from '../src/entry/config.js';
import { checkedLookup, webhookFetch } from '../src/entry/webhook-fetch.js';

let receiver: Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

const post = { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } };

describe('webhook destinations on Node', () => {
  it('refuses a host name that resolves to loopback, and a literal loopback address, before connecting', async () => {
    const guarded = webhookFetch({ allowPrivate: false });
    const before = hits;
    // `localhost` is a real name the system resolver answers with a loopback address.
    const byName = await guarded(`http://localhost:${port}/hook`, post).catch((e: unknown) => e as Error);
    expect(byName).toBeInstanceOf(Error);
    expect(String((byName as Error & { cause?: Error }).cause?.message)).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1)/);
    const byAddress = await guarded(`http://127.0.0.1:${port}/hook`, post).catch((e: unknown) => e as Error);
    expect(String((byAddress as Error & { cause?: Error }).cause?.message)).toContain('loopback');
    expect(hits).toBe(before);
  });

  it('delivers to the same receiver when private destinations are allowed (local development, tests)', async () => {
    const open = webhookFetch({ allowPrivate: true });
    const res = await open(`http://localhost:${port}/hook`, post);
    expect(res.status).toBe(204);
  });

  it('checks every address a name has, and connects to a checked one', async () => {
    const lookup = (answers: { address: string; family: number }[]) =>
      new Promise<{ err: Error | null; addresses: unknown }>((resolve) =>
        checkedLookup({ allowPrivate: false, resolve: async () => answers })('hooks.example', { all: true }, (err, addresses) => resolve({ err, addresses })),
      );
    expect((await lookup([{ address: '93.184.215.14', family: 4 }])).addresses).toEqual([{ address: '93.184.215.14', family: 4 }]);
    for (const bad of ['10.1.2.3', '192.168.0.10', '172.20.0.1', '169.254.169.254', '127.0.0.53', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
      const r = await lookup([{ address: '93.184.215.14', family: 4 }, { address: bad, family: bad.includes(':') ? 6 : 4 }]);
      expect(r.err?.message, bad).toContain(`resolves to ${bad}`);
    }
  });

  it('knows which resolved addresses are refused', () => {
    expect(refusedDeliveryAddress('8.8.8.8')).toBeUndefined();
    expect(refusedDeliveryAddress('2001:4860:4860::8888')).toBeUndefined();
    expect(refusedDeliveryAddress('127.0.0.1')).toContain('loopback');
    expect(refusedDeliveryAddress('0:0:0:0:0:0:0:1')).toContain('loopback');
    expect(refusedDeliveryAddress('fe80::1%eth0')).toBe('not a plain IP address');
  });

  it('allows private destinations by default only to a server whose public URL is on this machine', () => {
    expect(webhookAllowPrivate(parseEnv({}))).toBe(true);
    expect(webhookAllowPrivate(parseEnv({ PUBLIC_URL: 'https://permis.example.cat' }))).toBe(false);
    expect(webhookAllowPrivate(parseEnv({ PUBLIC_URL: 'https://permis.example.cat', WEBHOOK_ALLOW_PRIVATE: 'true' }))).toBe(true);
    expect(webhookAllowPrivate(parseEnv({ WEBHOOK_ALLOW_PRIVATE: 'false' }))).toBe(false);
  });
});
