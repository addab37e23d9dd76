// Issue 16, finding 7: a client that disconnects mid-body was logged as "unhandled error" with a
// stack trace. Now it is one info line, "client closed the request", without a stack.
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from './support/database.js';
import { createTestContext, type TestContext } from './support/harness.js';

let t: TestContext;
let server: ServerType;
let port: number;

beforeAll(async () => {
  t = await createTestContext();
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

/** Sends the head and part of a body of `bodyLength` bytes, then drops the connection. */
async function abortMidBody(path: string, bodyLength: number): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${bodyLength}\r\n\r\n{"displayName":"La`);
  await new Promise((r) => setTimeout(r, 100));
  socket.destroy();
}

describe(`client aborts over a real HTTP server (${ENGINE})`, () => {
  it('are logged once at info as "client closed the request", without a stack', async () => {
    for (let i = 0; i < 3; i++) await abortMidBody('/v1/auth/signup/options', 1000);
    await expect.poll(() => t.logged.filter((l) => l.msg === 'client closed the request').length, { timeout: 5000 }).toBe(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.logged.filter((l) => l.level !== 'info')).toEqual([]);
    const lines = t.logged.filter((l) => l.msg === 'client closed the request');
    expect(lines.length).toBe(3);
    for (const l of lines) {
      expect(l.level).toBe('info');
      expect(JSON.stringify(l.fields ?? {})).not.toContain('stack');
    }
  });
});
