/**
 * The service examples of sdk/README.md and docs/services.md as one program that runs against
 * a server: the documents include the parts between `#region <name>` and `#endregion`, and CI
 * runs the program (`npm run test:docs`), so the examples cannot rot.
 *
 *   npx tsx sdk/examples/readme-service.ts
 *
 * PERMIS_URL (default http://localhost:8787) is the server, with the example service
 * `ajuts-energia` registered and its key made by `npm run permis -- services keygen ajuts-energia`.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createCitizenClient } from '@permis/sdk';
import { createSoftAuthenticator } from '../../src/devtools/soft-authenticator.js';

const baseUrl = (process.env.PERMIS_URL ?? 'http://localhost:8787').replace(/\/+$/, '');
const keyFile = join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'permis', 'keys', 'ajuts-energia-key.json');
const subjectRef = `expedient-2026-${randomUUID().slice(0, 6)}`; // the service's own reference for the person

// #region client
import { readFileSync } from 'node:fs';
import { createServiceClient } from '@permis/sdk';

const permis = createServiceClient({
  baseUrl, // the server's PUBLIC_URL, e.g. http://localhost:8787
  clientId: 'ajuts-energia',
  privateKey: JSON.parse(readFileSync(keyFile, 'utf8')), // the private JWK `services keygen` wrote (or PKCS#8 PEM with keyId)
});
// #endregion client

// #region request
const request = await permis.requestConsent({
  subjectRef,
  purposes: ['energy-poverty-support'],
  dataCategories: ['income-band'],
  durationDays: 365,
  notice: { version: '2026-11', texts: { ca: 'Autoritzo…', es: 'Autorizo…', en: 'I allow…' } },
});
console.log(request.approvalUrl); // → the citizen; then check() answers permit
// #endregion request

// The person approves with a passkey (here a software authenticator that makes genuine WebAuthn responses).
const passkey = createSoftAuthenticator({ alg: 'ES256', origin: new URL(baseUrl).origin, rpId: new URL(baseUrl).hostname });
const citizen = createCitizenClient({ baseUrl });
await citizen.signUp('Example Citizen', (o) => passkey.register(o as never));
await citizen.approve(request.id, (o) => passkey.authenticate(o as never), { language: 'ca' });

// #region check
const answer = await permis.check({ subjectRef, purpose: 'energy-poverty-support', dataCategory: 'income-band' });
if (answer.decision !== 'permit') throw new Error(`no consent: ${answer.reason}`);
// #endregion check

// #region lists
for await (const consent of permis.listConsents({ status: 'active' })) console.log(consent.subjectRef);
const firstTen = await permis.listRequests().first(10);
// #endregion lists
if (firstTen.length === 0) throw new Error('expected the request above in the list');

// #region receipt
import { verifyReceipt } from '@permis/sdk';

const jwks = await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json();
const [first] = await permis.getConsentReceipts(answer.consentId!); // a permit names its consent
const receipt = await verifyReceipt(first!.jws, jwks, { issuer: baseUrl });
console.log(receipt.claims); // consentId, revision, event, status, terms, termsHash, validUntil, …
console.log(receipt.citizenSignature); // when approved with a passkey: { alg, credentialId, origin }
// #endregion receipt
if (!receipt.citizenSignature) throw new Error('expected the citizen’s passkey signature');

// #region log
import { createPublicClient } from '@permis/sdk';

const log = createPublicClient({ baseUrl });
const pinned = await (await fetch(`${baseUrl}/v1/log/key`)).text(); // pin it once, then keep it
const older = await log.verifiedCheckpoint(pinned); // signature checked with the pinned key
const newer = await log.verifiedCheckpoint(pinned);
await log.verifyLogConsistency(older, newer); // the log only grew
// #endregion log

console.log(`checked ${subjectRef}: ${answer.decision}; receipt ${receipt.claims.consentId} verified; log consistent at size ${String(newer.size)}`);
