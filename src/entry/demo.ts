/**
 * `npm run demo`: walks the citizen flow against a running Permís server with a software
 * passkey, and verifies every receipt with nothing but the published JWKS.
 *   PERMIS_URL   the server (default http://localhost:8787; must equal its PUBLIC_URL)
 */
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { createSoftAuthenticator } from '../devtools/soft-authenticator.js';

const base = (process.env.PERMIS_URL ?? 'http://localhost:8787').replace(/\/+$/, '');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const say = (s = '') => process.stdout.write(`${s}\n`);

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Json> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

async function showReceipt(jws: string, jwks: JSONWebKeySet): Promise<void> {
  const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'], typ: 'consent-receipt+jwt', issuer: base });
  const recomputed = createHash('sha256').update(canonicalize(payload.terms) as string).digest('base64url');
  const ok = recomputed === payload.termsHash;
  say(`  receipt ${String(payload.jti)}  kid ${decodeProtectedHeader(jws).kid}`);
  say(`    event ${String(payload.event)} · revision ${String(payload.revision)} · status ${String(payload.status)} · valid until ${String(payload.validUntil)}`);
  say(`    termsHash ${String(payload.termsHash)} (${ok ? 'recomputed: matches' : 'MISMATCH'})`);
  say(`    predecessorHash ${String(payload.predecessorHash)}`);
  say(`    signature: verified with ${base}/.well-known/jwks.json`);
  if (!ok) throw new Error('termsHash mismatch');
}

async function main(): Promise<void> {
  say(`Permís demo against ${base}`);
  await call('GET', '/readyz');
  const services = (await call('GET', '/v1/services?limit=1')).items as Json[];
  const service = services[0];
  if (!service) {
    say('No service is registered yet. Stop the server, run');
    say('  npm run permis -- services add --file examples/service.example.json');
    say('start it again and re-run the demo.');
    process.exitCode = 1;
    return;
  }
  const { hostname } = new URL(base);
  const authenticator = createSoftAuthenticator({ alg: 'ES256', origin: new URL(base).origin, rpId: hostname });

  say('\n1. Sign up with a passkey (software authenticator, real WebAuthn responses)');
  const opts = await call('POST', '/v1/auth/signup/options', { displayName: 'Demo Citizen' });
  const signup = await call('POST', '/v1/auth/signup/verify', { ceremonyId: opts.ceremonyId, response: await authenticator.register(opts.options) });
  const token = signup.session.token as string;
  say(`   signed up; session expires ${signup.session.expiresAt}`);

  say('\n2. Sign in again with the same passkey');
  const sopts = await call('POST', '/v1/auth/signin/options', {});
  await call('POST', '/v1/auth/signin/verify', { ceremonyId: sopts.ceremonyId, response: await authenticator.authenticate(sopts.options) });
  say('   signed in');

  const purposes = (service.purposes as string[]).slice(0, 1);
  const categories = (service.categories as string[]).slice(0, 2);
  say(`\n3. Give a consent to "${service.name?.ca ?? service.clientId}": ${purposes.join(', ')} over ${categories.join(', ')}`);
  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString();
  const granted = await call(
    'POST',
    '/v1/me/consents',
    {
      serviceId: service.id,
      purposes,
      dataCategories: categories,
      validUntil,
      notice: { language: 'ca', version: 'demo-1', text: `Autoritzo ${service.clientId} a tractar ${categories.join(', ')} per a ${purposes.join(', ')}.` },
    },
    token,
  );
  const id = granted.consent.id as string;
  say(`   consent ${id}, subjectRef ${granted.consent.subjectRef}`);

  if (categories.length > 1) {
    say(`\n4. Narrow it to ${categories[0]}`);
    await call('POST', `/v1/me/consents/${id}/narrow`, { dataCategories: [categories[0]] }, token);
  }
  say('\n5. Pause, resume, then withdraw it');
  await call('POST', `/v1/me/consents/${id}/pause`, undefined, token);
  await call('POST', `/v1/me/consents/${id}/resume`, undefined, token);
  await call('POST', `/v1/me/consents/${id}/withdraw`, { reason: 'demo finished' }, token);

  say('\n6. Every receipt, verified offline with the public JWKS only');
  const jwks = (await call('GET', '/.well-known/jwks.json')) as JSONWebKeySet;
  const receipts = (await call('GET', `/v1/me/consents/${id}/receipts`, undefined, token)).items as Json[];
  let prev: string | null = null;
  for (const r of receipts) {
    await showReceipt(r.jws as string, jwks);
    const payload = JSON.parse(Buffer.from((r.jws as string).split('.')[1]!, 'base64url').toString()) as Json;
    if (payload.predecessorHash !== prev) throw new Error('receipt chain broken');
    prev = createHash('sha256').update(r.jws as string).digest('base64url');
  }
  say(`\nThe chain of ${receipts.length} receipts is intact. Last receipt (compact JWS):\n${receipts[receipts.length - 1]!.jws}`);
  await call('POST', '/v1/auth/signout', undefined, token);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
