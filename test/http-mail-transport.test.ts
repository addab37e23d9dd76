/**
 * The HTTP mail transport (for Workers, which open no SMTP connections) against a real HTTP
 * server started by the test: the JSON it posts, the bearer token, and how answers map to
 * sent, retried and dead-lettered mail.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpMailTransport } from '../src/notifications/http-mail-transport.js';
import { MailSendError, type OutgoingMail } from '../src/notifications/mail-transport.js';

let url = '';
let status = 202;
const seen: { auth: string | undefined; body: Record<string, unknown> }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
    res.writeHead(status).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const mail: OutgoingMail = {
  from: '"Permís" <no-reply@example.cat>',
  to: 'laia@example.test',
  subject: 'Hola',
  text: 'Text',
  html: '<p>Text</p>',
  headers: { 'List-Unsubscribe': '<https://permis.example.cat/email/unsubscribe/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  language: 'ca',
};

describe('HTTP mail transport', () => {
  it('posts the message as JSON with the bearer token', async () => {
    const transport = httpMailTransport({ url, token: 's3cret', fetch: (u, i) => fetch(u, i) });
    await transport.send(mail);
    expect(seen.at(-1)).toEqual({ auth: 'Bearer s3cret', body: { ...mail } });
  });

  it('a 4xx answer is permanent, a 5xx or 429 temporary, an unreachable API temporary', async () => {
    const transport = httpMailTransport({ url, fetch: (u, i) => fetch(u, i) });
    const outcome = async (): Promise<boolean | undefined> => {
      try {
        await transport.send(mail);
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(MailSendError);
        return (err as MailSendError).permanent;
      }
    };
    status = 400;
    expect(await outcome()).toBe(true);
    status = 429;
    expect(await outcome()).toBe(false);
    status = 503;
    expect(await outcome()).toBe(false);
    const down = httpMailTransport({ url: 'http://127.0.0.1:9/none', fetch: (u, i) => fetch(u, i) });
    await expect(down.send(mail)).rejects.toMatchObject({ permanent: false });
  });
});
