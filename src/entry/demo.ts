/**
 * `npm run demo`: walks Permís end to end against a running server, with a software passkey
 * that produces genuine WebAuthn responses, and verifies every receipt with nothing but the
 * published JWKS.
 *
 *   npm run demo                                     the citizen flow (direct consent)
 *   npm run demo -- --service <clientId> --key <private JWK file>
 *                                                    the service flow: token, request, passkey
 *                                                    approval bound to the terms, check, withdrawal,
 *                                                    webhooks to a local receiver
 *   npm run demo -- --service <clientId> --key <file> --browser
 *                                                    the same request, approved and withdrawn by you
 *                                                    in the portal with your own passkey; the demo
 *                                                    waits and checks before and after
 * Options and defaults: `npm run demo -- --help` (src/entry/demo-options.ts). The server's
 * address follows PUBLIC_URL and PORT as the server does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import canonicalize from 'canonicalize';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { createSoftAuthenticator, type SoftAuthenticator } from '../devtools/soft-authenticator.js';
import { DemoHttpError, describeDemoFailure, type FailureContext, originHint } from './demo-failure.js';
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from './demo-options.js';

let base = 'http://localhost:8787';
/** Where to write receipts (--save-receipts), if anywhere. */
let saveReceipts: string | undefined;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const say = (s = '') => process.stdout.write(`${s}\n`);
/** What a failure message needs to know; filled in as the demo learns it. */
const failure: FailureContext = { base };
/** Undoes what the demo set up on the server (its webhook endpoint); run on every ending. */
const cleanups: (() => Promise<void>)[] = [];

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new DemoHttpError(method, `${base}${path}`, res.status, text);
  return text ? (JSON.parse(text) as Json) : {};
}

async function showReceipts(consentId: string, token: string): Promise<void> {
  const jwks = (await call('GET', '/.well-known/jwks.json')) as JSONWebKeySet;
  const receipts = (await call('GET', `/v1/me/consents/${consentId}/receipts`, undefined, token)).items as Json[];
  let prev: string | null = null;
  for (const r of receipts) {
    const jws = r.jws as string;
    const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'], typ: 'consent-receipt+jwt', issuer: base });
    const recomputed = createHash('sha256').update(canonicalize(payload.terms) as string).digest('base64url');
    if (recomputed !== payload.termsHash) throw new Error('termsHash mismatch');
    if (payload.predecessorHash !== prev) throw new Error('receipt chain broken');
    say(`  receipt ${String(payload.jti)} (kid ${decodeProtectedHeader(jws).kid})`);
    say(`    ${String(payload.event)} · revision ${String(payload.revision)} · ${String(payload.status)} · valid until ${String(payload.validUntil)}`);
    say(`    termsHash ${String(payload.termsHash)} recomputed ✓ · predecessorHash ${String(payload.predecessorHash)} ✓ · signature ✓`);
    if (payload.citizenSignature) say(`    carries the citizen's passkey signature over SHA-256(nonce ‖ termsHash)`);
    prev = createHash('sha256').update(jws).digest('base64url');
    if (saveReceipts) {
      mkdirSync(saveReceipts, { recursive: true });
      writeFileSync(join(saveReceipts, `${String(payload.revision)}.jws`), `${jws}\n`);
    }
  }
  if (saveReceipts) say(`  receipts written to ${saveReceipts}/ (1.jws … ${receipts.length}.jws)`);
  say(`  ${receipts.length} receipts, chain intact, verified with ${base}/.well-known/jwks.json only.`);
}

async function signUp(): Promise<{ token: string; authenticator: SoftAuthenticator }> {
  const authenticator = createSoftAuthenticator({ alg: 'ES256', origin: new URL(base).origin, rpId: new URL(base).hostname });
  const opts = await call('POST', '/v1/auth/signup/options', { displayName: 'Demo Citizen' });
  const signup = await call('POST', '/v1/auth/signup/verify', { ceremonyId: opts.ceremonyId, response: await authenticator.register(opts.options) });
  say(`  signed up with a passkey; session until ${signup.session.expiresAt}`);
  return { token: signup.session.token as string, authenticator };
}

/** The citizen gives, narrows, pauses, resumes and withdraws a consent directly. */
async function citizenFlow(): Promise<void> {
  const service = ((await call('GET', '/v1/services?limit=1')).items as Json[])[0];
  if (!service) {
    say('No service is registered yet. Stop the server, run');
    say('  npm run permis -- services add --file examples/service.example.json');
    say('start it again and re-run the demo.');
    process.exitCode = 1;
    return;
  }
  say('1. A citizen signs up');
  const { token } = await signUp();
  const purposes = (service.purposes as string[]).slice(0, 1);
  const categories = (service.categories as string[]).slice(0, 2);
  say(`2. … gives "${service.name?.ca ?? service.clientId}" a consent: ${purposes.join(', ')} over ${categories.join(', ')}`);
  const granted = await call(
    'POST',
    '/v1/me/consents',
    {
      serviceId: service.id,
      purposes,
      dataCategories: categories,
      validUntil: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      notice: { language: 'ca', version: 'demo-1', text: `Autoritzo ${service.clientId} a tractar ${categories.join(', ')} per a ${purposes.join(', ')}.` },
    },
    token,
  );
  const id = granted.consent.id as string;
  if (categories.length > 1) {
    say(`3. … narrows it to ${categories[0]}`);
    await call('POST', `/v1/me/consents/${id}/narrow`, { dataCategories: [categories[0]] }, token);
  }
  say('4. … pauses, resumes and withdraws it');
  await call('POST', `/v1/me/consents/${id}/pause`, undefined, token);
  await call('POST', `/v1/me/consents/${id}/resume`, undefined, token);
  await call('POST', `/v1/me/consents/${id}/withdraw`, { reason: 'demo finished' }, token);
  say('5. Every receipt, verified offline:');
  await showReceipts(id, token);
}

/** A service authenticates with its own key, asks, checks; the citizen approves and withdraws. */
async function serviceFlow(clientId: string, keyFile: string, browser: boolean): Promise<void> {
  const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, 'EdDSA');
  const tokenUrl = `${base}/v1/oauth/token`;
  const serviceToken = async () => {
    // RFC 7523 private_key_jwt: the service signs a short-lived, single-use assertion.
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid! })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
    });
    const text = await res.text();
    if (!res.ok) throw new DemoHttpError('POST', tokenUrl, res.status, text);
    return (JSON.parse(text) as Json).access_token as string;
  };

  say(`1. The service "${clientId}" gets an access token with its own key (private_key_jwt)`);
  let svc = await serviceToken();

  say('2. It starts a local webhook receiver and registers it');
  const received: Json[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/permis`;
  cleanups.push(async () => {
    receiver.close();
  });
  const previous = await fetch(`${base}/v1/service/webhook`, { headers: { authorization: `Bearer ${svc}` } });
  if (previous.ok) say(`   (the service's webhook endpoint ${String(((await previous.json()) as Json).url)} is replaced for the demo, then removed)`);
  const setBody = await call('PUT', '/v1/service/webhook', { url: hookUrl }, svc);
  // The server would retry deliveries to a receiver that is gone for a day: remove the endpoint at the end.
  cleanups.unshift(async () => {
    await call('DELETE', '/v1/service/webhook', undefined, await serviceToken());
    say(`   webhook endpoint ${hookUrl} removed`);
  });
  let secret = setBody.secret as string | undefined;
  if (!secret) secret = (await call('POST', '/v1/service/webhook/rotate-secret', undefined, svc)).secret as string;

  const service = await call('GET', `/v1/services?limit=100`);
  const me = (service.items as Json[]).find((s) => s.clientId === clientId);
  if (!me) throw new Error(`service ${clientId} is not listed`);
  const subjectRef = `demo-${randomUUID().slice(0, 8)}`;
  const purpose = (me.purposes as string[])[0]!;
  const category = (me.categories as string[])[0]!;
  say(`3. It asks citizen "${subjectRef}" for consent: ${purpose} over ${category}`);
  const request = await call(
    'POST',
    '/v1/requests',
    {
      subjectRef,
      purposes: [purpose],
      dataCategories: [category],
      durationDays: 90,
      notice: { version: 'demo-1', texts: { ca: `Autoritzo ${clientId} a tractar ${category} per a ${purpose}.`, en: `I allow ${clientId} to process ${category} for ${purpose}.` } },
    },
    svc,
  );
  say(`   approvalUrl: ${request.approvalUrl}`);
  const check = async () => call('POST', '/v1/check', { subjectRef, purpose, dataCategory: category }, svc);
  say(`   check before approval: ${JSON.stringify(await check())}`);
  if (browser) {
    await browserFlow(request.id as string, request.approvalUrl as string, check, async () => (svc = await serviceToken()));
    return;
  }

  say('4. The citizen signs up, reads the request and approves it with the passkey; the challenge commits to the terms');
  const { token, authenticator } = await signUp();
  const shown = await call('GET', `/v1/me/requests/${request.id}?lang=ca`, undefined, token);
  say(`   "${shown.noticeText}"`);
  const start = await call('POST', `/v1/me/requests/${request.id}/approval`, { language: 'ca' }, token);
  const challenge = createHash('sha256').update(Buffer.concat([Buffer.from(start.nonce, 'base64url'), Buffer.from(start.termsHash, 'base64url')])).digest('base64url');
  say(`   challenge = SHA-256(nonce ‖ termsHash) = ${challenge} ${challenge === start.options.challenge ? '✓' : '✗'}`);
  const approved = await call('POST', `/v1/me/requests/${request.id}/approve`, { ceremonyId: start.ceremonyId, response: await authenticator.authenticate(start.options) }, token);
  const consentId = approved.consent.id as string;

  say(`5. The service checks: ${JSON.stringify(await check())}`);
  say('6. The citizen withdraws (one action, immediate)');
  await call('POST', `/v1/me/consents/${consentId}/withdraw`, undefined, token);
  say(`7. The service checks again: ${JSON.stringify(await check())}`);

  say('8. Webhooks delivered to the receiver (signatures verified with the secret):');
  const wh = new Webhook(secret);
  const ours = () =>
    received
      .map((m) => ({ id: m.headers['webhook-id'] as string, event: wh.verify(m.body as string, m.headers as Record<string, string>) as Json }))
      .filter((m) => m.event.data?.subjectRef === subjectRef);
  for (let i = 0; i < 30 && ours().length < 3; i++) await new Promise((r) => setTimeout(r, 500));
  for (const m of ours()) say(`   ${m.id} ${m.event.type} ✓`);
  say('9. The consent\'s receipts:');
  await showReceipts(consentId, token);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every two seconds until it returns a value, for at most `minutes`. */
async function waitFor<T>(minutes: number, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + minutes * 60_000;
  while (Date.now() < until) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(2000);
  }
  throw new Error(`gave up waiting after ${minutes} minutes`);
}

/**
 * `--browser`: a person approves the request and withdraws the consent in the portal with
 * their own passkey; the service side waits (reading the request and its consent, which are
 * not checks, so the access log shows only the real checks) and checks after each step.
 */
async function browserFlow(requestId: string, approvalUrl: string, check: () => Promise<Json>, refresh: () => Promise<string>): Promise<void> {
  say('');
  say('4. Now it is your turn. Open this link in a browser, sign up (or sign in) with a passkey and approve:');
  say(`     ${approvalUrl}`);
  say('   Waiting for your answer (up to 15 minutes)…');
  const decided = await waitFor(15, async () => {
    const r = await call('GET', `/v1/requests/${requestId}`, undefined, await refresh());
    return r.status === 'pending' ? undefined : r;
  });
  if (decided.status !== 'approved') {
    say(`   The request is ${String(decided.status)}; nothing to check. Run the demo again to start over.`);
    return;
  }
  const consentId = decided.consentId as string;
  say(`   Approved: consent ${consentId}.`);
  say(`5. The service checks: ${JSON.stringify(await check())}`);
  say('6. Now withdraw the consent in the portal (My consents → the consent → Withdraw). Waiting…');
  await waitFor(15, async () => {
    const c = await call('GET', `/v1/service/consents/${consentId}`, undefined, await refresh());
    return c.status === 'withdrawn' ? c : undefined;
  });
  say(`7. The service checks again: ${JSON.stringify(await check())}`);
  say(`8. Both checks are in your access log, each with its inclusion proof: ${base}/access-log`);
  say('   (the log integrates new events within a second or two).');
}

/** Waits until the server answers /readyz, for at most `seconds` (it may still be starting). */
async function waitForServer(seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  let told = false;
  for (;;) {
    try {
      await call('GET', '/readyz');
      return;
    } catch (err) {
      if (!(err instanceof TypeError) || Date.now() >= until) throw err;
      if (!told) say(`  waiting for the server at ${base} (up to ${seconds} s)…`);
      told = true;
      await sleep(500);
    }
  }
}

/** Reads the server's issuer (its PUBLIC_URL) from its RFC 8414 metadata and warns on an origin mismatch. */
async function checkOrigin(): Promise<void> {
  const res = await fetch(`${base}/.well-known/oauth-authorization-server`).catch(() => undefined);
  if (!res?.ok) return;
  const issuer = ((await res.json()) as Json).issuer;
  if (typeof issuer !== 'string') return;
  failure.issuer = issuer;
  if (new URL(issuer).origin !== new URL(base).origin) {
    say(`  warning: the server's PUBLIC_URL is ${issuer}, but the demo talks to ${base}.`);
    say(`  ${originHint(failure)}`);
  }
}

async function runCleanups(): Promise<void> {
  for (const undo of cleanups.splice(0)) {
    try {
      await undo();
    } catch (err) {
      process.stderr.write(`demo: could not clean up: ${describeDemoFailure(err, failure).join(' ')}\n`);
    }
  }
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof DemoUsageError)) throw err;
    process.stderr.write(`demo: ${err.message}\n\n${DEMO_USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    say(DEMO_USAGE);
    return;
  }
  base = opts.base;
  saveReceipts = opts.saveReceipts;
  Object.assign(failure, { base, service: opts.service, keyFile: opts.keyFile });
  say(`Permís demo against ${base}\n`);
  // Ctrl-C (e.g. while waiting in --browser) still removes what the demo registered.
  process.once('SIGINT', () => void runCleanups().finally(() => process.exit(130)));
  await waitForServer(opts.waitSeconds);
  await checkOrigin();
  try {
    for (let run = 1; run <= opts.repeat; run++) {
      if (opts.repeat > 1) say(`\n— run ${run} of ${opts.repeat} —\n`);
      if (opts.service && opts.keyFile) await serviceFlow(opts.service, opts.keyFile, opts.browser);
      else await citizenFlow();
      // Each run registers its own webhook receiver: undo it before the next.
      await runCleanups();
    }
  } finally {
    await runCleanups();
  }
}

main().catch((err: unknown) => {
  for (const line of describeDemoFailure(err, failure)) process.stderr.write(`${line}\n`);
  process.exit(1);
});
