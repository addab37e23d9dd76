/**
 * The people of the journeys: citizens signing up in the browser with the virtual
 * authenticator, people made through the API (officers, admins, other citizens) whose session
 * a browser context adopts, and a city service using the SDK over real HTTP.
 */
import { createServiceClient } from '@permis/sdk';
import type { SignedInCitizen } from '../../support/citizen.js';
import { createService } from '../../../src/services/create-service.js';
import { createServiceWithKey, generateServiceKey, TOKEN_PATH, type TestService } from '../../support/service-client.js';
import { type Journey, waitForPath } from './browser.js';
import type { PortalServer } from './server.js';

/** Signs up in the browser (any page language: the form's stable ids) and waits for home. */
export async function signUpInBrowser(j: Journey, displayName: string, next?: string): Promise<void> {
  await j.goto(next ? `/signup?next=${encodeURIComponent(next)}` : '/signup');
  await j.page.locator('#displayName').fill(displayName);
  await j.page.locator('#signup-form button[type="submit"]').click();
  await j.page.waitForURL((u) => u.pathname !== '/signup', { waitUntil: 'load' });
}

/**
 * Signs someone made through the API (with the software authenticator) in, in the browser: their
 * passkey's private key is copied into the journey's virtual authenticator as a resident
 * credential, then the sign-in page runs the real ceremony.
 */
export async function signInWithApiPasskey(j: Journey, who: SignedInCitizen): Promise<void> {
  const cred = who.authenticator.credentials[0]!;
  const b64 = (b64url: string) => Buffer.from(b64url, 'base64url').toString('base64');
  await j.cdp.send('WebAuthn.addCredential', {
    authenticatorId: j.authenticatorId,
    credential: {
      credentialId: b64(cred.id),
      isResidentCredential: true,
      rpId: cred.rpId,
      privateKey: Buffer.from(await crypto.subtle.exportKey('pkcs8', cred.keyPair.privateKey)).toString('base64'),
      userHandle: b64(cred.userHandle),
      signCount: cred.signCount,
      // The software authenticator's passkeys are synced ones (BE and BS set, WebAuthn L3 §6.1).
      backupEligibility: true,
      backupState: true,
    },
  });
  await j.goto('/signin');
  await j.page.locator('#signin-form button[type="submit"]').click();
  const failed = j.page.locator('#signin-form [data-passkey-status].error');
  await Promise.race([j.page.waitForURL((u) => u.pathname !== '/signin', { waitUntil: 'load' }), failed.waitFor()]);
  if (new URL(j.page.url()).pathname === '/signin') throw new Error(`sign-in failed: ${await failed.innerText()}`);
  await j.page.locator('form[action="/signout"]').waitFor();
  // Keep the software authenticator's counter in step with the copy's (WebAuthn L3 §6.1.1).
  const { credentials } = await j.cdp.send('WebAuthn.getCredentials', { authenticatorId: j.authenticatorId });
  const used = credentials.find((c) => c.credentialId === b64(cred.id));
  if (used) cred.signCount = used.signCount;
}

/** Signs out through the navigation's sign-out form (a CSRF-protected POST). */
export async function signOutInBrowser(j: Journey): Promise<void> {
  await j.page.locator('form[action="/signout"] button[type="submit"]').click();
  await waitForPath(j.page, '/signin');
}

/** A city service as the city's real catalogue (migrations/0002) describes it, for the main journey and its screenshots. */
export const ENERGY_SERVICE = {
  name: { ca: 'Ajuts contra la pobresa energètica', es: 'Ayudas contra la pobreza energética', en: 'Energy poverty support' },
  description: {
    ca: 'Ajuts per pagar el subministrament de llum, aigua i gas a les llars que ho necessiten.',
    es: 'Ayudas para pagar el suministro de luz, agua y gas en los hogares que lo necesitan.',
    en: 'Help paying electricity, water and gas bills for households that need it.',
  },
  controller: { name: 'Ajuntament de Barcelona — Drets Socials', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacitat' },
  purposes: ['energy-poverty-support'],
  categories: ['postal-address', 'income-band', 'energy-consumption'],
  processing: ['consult', 'use'],
};

/**
 * A registered service and the SDK's service client for it, talking HTTP to the server. By
 * default the test service over the test catalogue (test/support/service-client.ts); with
 * `profile`, a service with those names and catalogue codes and a fresh Ed25519 key.
 */
export async function serviceWithSdk(
  server: PortalServer,
  profile?: typeof ENERGY_SERVICE,
): Promise<{ svc: TestService; client: ReturnType<typeof createServiceClient> }> {
  const svc = profile ? await registerService(server, profile) : await createServiceWithKey(server.t);
  const key = svc.keys[0]!;
  const client = createServiceClient({
    // Node calls 127.0.0.1 directly; the token audience stays the public URL's token endpoint.
    baseUrl: server.directUrl,
    audience: svc.tokenUrl,
    clientId: svc.clientId,
    privateKey: key.privateKey,
    keyId: key.kid,
    alg: key.alg,
    now: () => server.t.clock.now().getTime(),
    retry: false,
  });
  return { svc, client };
}

async function registerService(server: PortalServer, profile: typeof ENERGY_SERVICE): Promise<TestService> {
  const { t } = server;
  const key = await generateServiceKey('EdDSA');
  const service = await createService(
    t.db,
    { clientId: `energy-${Date.now()}`, ...profile, jwks: { keys: [key.publicJwk] } },
    { clock: t.clock, random: t.deps.random, actor: { type: 'admin', id: 'test' } },
  );
  return {
    service,
    id: service.id,
    clientId: service.clientId,
    keys: [key],
    scopes: undefined,
    tokenUrl: `${t.config.publicUrl}${TOKEN_PATH}`,
    issuer: t.config.publicUrl,
    clock: t.clock,
  };
}
