/**
 * A local SMTP server (RFC 5321) that accepts every message and hands it over parsed: for
 * `npm run mail:dev` (print what Permís sends) and for the tests, which deliver to it for real.
 * Built on `smtp-server` and `mailparser`; it never relays anything anywhere.
 */
import { type AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as it arrived: the SMTP envelope, the raw text and the parsed message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/** A running server. */
export interface DevMailServer {
  port: number;
  /** The `SMTP_URL` that reaches it. */
  url: string;
  /** Every message received so far, in order. */
  received: ReceivedMail[];
  /** Resolves when at least `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Options of {@link startDevMailServer}. */
export interface DevMailServerOptions {
  port?: number;
  host?: string;
  onMessage?: (m: ReceivedMail) => void;
  /** Refuse a recipient with this SMTP reply code (e.g. 550, or 451 for a temporary failure). */
  refuse?: (recipient: string) => number | undefined;
}

/** Starts the server (port 0: any free port) and resolves once it listens. */
export async function startDevMailServer(opts: DevMailServerOptions = {}): Promise<DevMailServer> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: (m: ReceivedMail[]) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = opts.refuse?.(address.address);
      if (code === undefined) return callback();
      const err = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const mail: ReceivedMail = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            };
            received.push(mail);
            opts.onMessage?.(mail);
            for (const w of [...waiters]) {
              if (received.length >= w.count) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve([...received]);
              }
            }
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${opts.host ?? '127.0.0.1'}:${port}`,
    received,
    waitFor(count, timeoutMs = 15_000) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve, reject) => {
        const w = { count, resolve };
        waiters.push(w);
        setTimeout(() => {
          if (waiters.includes(w)) {
            waiters.splice(waiters.indexOf(w), 1);
            reject(new Error(`expected ${count} messages within ${timeoutMs} ms, got ${received.length}`));
          }
        }, timeoutMs).unref();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
