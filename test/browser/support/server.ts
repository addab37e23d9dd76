/**
 * The real app over real HTTP for the browser tests: the test harness's app (fresh database —
 * PGlite, or a throwaway PostgreSQL database when TEST_DATABASE_URL is set) served by
 * @hono/node-server on 127.0.0.1 with an ephemeral port. The app's public URL is
 * `http://localhost:<port>` (rpId `localhost`): WebAuthn needs a secure context, and Chromium
 * treats http://localhost as one (and accepts the Secure `__Host-` cookie there).
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { integrateLog } from '../../../src/log/integrate-log.js';
import type { AppConfig } from '../../../src/core/deps.js';
import type { TestClock } from '../../support/clock.js';
import { createTestContext, type TestContext } from '../../support/harness.js';

/**
 * A clock that runs with real time (a browser session lasts seconds and events are stamped
 * as they happen), which a test can still move forward (e.g. past a request's expiry).
 */
export function runningClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      offset += ms;
    },
    set(d) {
      offset = d.getTime() - Date.now();
    },
  };
}

/** A running portal: the test context, its public URL and a way to stop it. */
export interface PortalServer {
  t: TestContext;
  /** `http://localhost:<port>`: what the browser opens (and the app's publicUrl). */
  url: string;
  /** `http://127.0.0.1:<port>`: what Node clients call (no IPv6/IPv4 guessing for `localhost`). */
  directUrl: string;
  port: number;
  /** Runs the log integrator until no event is pending (what the node job loop does every second). */
  integrate(): Promise<bigint>;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 with `handler`, returns the port and a closer. */
export async function listen(handler: (req: Request) => Response | Promise<Response>): Promise<{ port: number; close(): Promise<void> }> {
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    server.once('error', reject);
  });
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const s = server as unknown as { close(cb: () => void): void; closeAllConnections?: () => void };
        s.closeAllConnections?.();
        s.close(() => resolve());
      }),
  };
}

/**
 * Starts the app: listens first (to learn the port), then builds the test context whose
 * publicUrl is `http://localhost:<port>`; requests arriving before that are answered 503.
 */
export async function startPortal(config: Partial<AppConfig> = {}): Promise<PortalServer> {
  const ready: { t?: TestContext } = {};
  const http = await listen((req) => (ready.t ? ready.t.app.fetch(req) : new Response('starting', { status: 503 })));
  const url = `http://localhost:${http.port}`;
  const ctx = await createTestContext({ config: { publicUrl: url, rpId: 'localhost', ...config }, clock: runningClock() });
  ready.t = ctx;
  return {
    t: ctx,
    url,
    directUrl: `http://127.0.0.1:${http.port}`,
    port: http.port,
    integrate: () => integrateLog(ctx.deps),
    async close() {
      await http.close();
      await ctx.close();
    },
  };
}
