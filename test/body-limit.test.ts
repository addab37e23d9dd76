/**
 * The body limit over a real @hono/node-server: decided from Content-Length without building a
 * web Request, still enforced on chunked bodies, and the body still readable afterwards.
 */
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { inspect } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from '../src/web/body-limit.js';

let server: ServerType;
let port: number;

/** Whether @hono/node-server's lightweight request has been turned into a full web Request. */
const materialised = (raw: Request) => !/nativeRequest: undefined/.test(inspect(raw, { depth: 1 }));

beforeAll(async () => {
  const app = new Hono();
  app.use('*', bodyLimit({ maxSize: 100, onError: (c) => c.text('too large', 413) }));
  app.post('/echo', async (c) => {
    const before = materialised(c.req.raw);
    const text = await c.req.text();
    return c.json({ materialised: before, length: text.length });
  });
  app.get('/get', (c) => c.json({ materialised: materialised(c.req.raw) }));
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

/** Sends `chunks` to POST /echo, chunked (no Content-Length) when `chunked`. */
function post(chunks: string[], chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const total = chunks.reduce((a, c) => a + Buffer.byteLength(c), 0);
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/echo', headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(total) } },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('bodyLimit', () => {
  it('passes a body within the limit by its Content-Length, leaving the request lightweight', async () => {
    const r = await post(['x'.repeat(100)], false);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ materialised: false, length: 100 });
  });

  it('refuses a body over the limit by its Content-Length', async () => {
    expect((await post(['x'.repeat(101)], false)).status).toBe(413);
  });

  it('counts a chunked body as it arrives: refused over the limit, readable within it', async () => {
    expect((await post(['x'.repeat(60), 'y'.repeat(60)], true)).status).toBe(413);
    const ok = await post(['x'.repeat(50), 'y'.repeat(50)], true);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ length: 100 });
  });

  it('lets a GET through untouched', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/get`);
    expect(await res.json()).toEqual({ materialised: false });
  });
});
