/**
 * A city service built on `@permis/sdk`, end to end against a local server (`npm start`):
 * it gets tokens with its own key, listens for signed webhooks, asks a person for consent,
 * checks before using the data, follows the events feed, and verifies the receipts and the
 * transparency log offline.
 *
 *   npm run permis -- services add --file examples/service.example.json     (server stopped)
 *   npm run permis -- services keygen ajuts-energia          (writes ~/.config/permis/keys/ajuts-energia-key.json)
 *   npm start &
 *   npx tsx sdk/examples/city-service.ts --service ajuts-energia --key ~/.config/permis/keys/ajuts-energia-key.json [--simulate-citizen]
 *
 * Without --simulate-citizen it prints the approval link and waits for a person to approve it
 * in a browser with a passkey; with it, a software passkey (this repository's development
 * authenticator) plays the citizen, approves, and later withdraws.
 *   PERMIS_URL   the server (default http://localhost:8787; must equal its PUBLIC_URL)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCitizenClient, createServiceClient, verifyReceiptChain, type JwkSet, type WebhookEvent } from '@permis/sdk';
import { createSoftAuthenticator } from '../../src/devtools/soft-authenticator.js';

const baseUrl = (process.env.PERMIS_URL ?? 'http://localhost:8787').replace(/\/+$/, '');
const say = (s = '') => process.stdout.write(`${s}\n`);
const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const clientId = flag('--service');
  const keyFile = flag('--key');
  if (!clientId || !keyFile) throw new Error('usage: city-service.ts --service <clientId> --key <private JWK file> [--simulate-citizen]');

  // 1. The client: tokens (private_key_jwt) are fetched, cached and renewed by the SDK.
  const permis = createServiceClient({ baseUrl, clientId, privateKey: JSON.parse(readFileSync(keyFile, 'utf8')) });
  const me = (await permis.public.listServices({ limit: 100 }).first()).find((s) => s.clientId === clientId);
  if (!me) throw new Error(`service ${clientId} is not registered at ${baseUrl}`);
  const purpose = me.purposes[0]!;
  const dataCategory = me.categories[0]!;

  // 2. A webhook receiver; every delivery is verified with the endpoint's secret.
  const received: WebhookEvent[] = [];
  let secret = '';
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        received.push(permis.verifyWebhook(body, req.headers, secret));
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end(); // not from Permís: do not act on it
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = await permis.setWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/permis`);
  secret = hook.secret ?? (await permis.rotateWebhookSecret()).secret;
  say(`1. "${clientId}" authenticated with its own key; webhooks go to ${hook.url}`);

  // 3. Ask for consent; the person approves at approvalUrl.
  const subjectRef = `expedient-${randomUUID().slice(0, 8)}`;
  const request = await permis.requestConsent({
    subjectRef,
    purposes: [purpose],
    dataCategories: [dataCategory],
    durationDays: 90,
    notice: { version: 'example-1', texts: { ca: `Autoritzo ${clientId} a tractar ${dataCategory} per a ${purpose}.`, en: `I allow ${clientId} to process ${dataCategory} for ${purpose}.` } },
  });
  const check = () => permis.check({ subjectRef, purpose, dataCategory });
  say(`2. Asked ${subjectRef} for consent: ${request.approvalUrl}`);
  say(`   check now: ${JSON.stringify(await check())}`);

  const simulate = process.argv.includes('--simulate-citizen');
  const passkey = createSoftAuthenticator({ alg: 'ES256', origin: new URL(baseUrl).origin, rpId: new URL(baseUrl).hostname });
  const citizen = createCitizenClient({ baseUrl });
  if (simulate) {
    await citizen.signUp('Example Citizen', (o) => passkey.register(o as never));
    await citizen.getRequest(request.id, { lang: 'ca' });
    await citizen.approve(request.id, (o) => passkey.authenticate(o as never), { language: 'ca' });
    say('3. The citizen approved with a passkey that signed exactly these terms.');
  } else {
    say('3. Waiting for the person to approve in a browser…');
    while ((await permis.getRequest(request.id)).status === 'pending') await sleep(2000);
  }
  const decided = await permis.getRequest(request.id);
  say(`4. Request ${decided.status}; check: ${JSON.stringify(await check())}`);
  if (decided.status !== 'approved' || !decided.consentId) return void receiver.close();

  if (simulate) {
    await citizen.withdrawConsent(decided.consentId, { reason: 'example finished' });
  } else {
    say('   Withdraw the consent in the browser to see the check deny at once; waiting…');
    while ((await check()).decision === 'permit') await sleep(2000);
  }
  say(`5. The citizen withdrew; check: ${JSON.stringify(await check())}`);

  // 6. Receipts: verified offline with the published keys only, chain included.
  const jwks = (await permis.public.jwks()) as JwkSet;
  const chain = await verifyReceiptChain((await permis.getConsentReceipts(decided.consentId)).map((r) => r.jws), jwks, { issuer: baseUrl });
  say(`6. ${chain.length} receipts verified: ${chain.map((r) => `${r.claims.event}${r.citizenSignature ? ' (passkey-signed)' : ''}`).join(', ')}`);

  // 7. The events feed (the fallback for missed webhooks) and the webhooks received.
  for (let i = 0; i < 30 && received.filter((e) => e.data.subjectRef === subjectRef).length < 3; i++) await sleep(500);
  const feed = permis.events();
  const fromFeed: string[] = [];
  for await (const e of feed) if ((e.data as { subjectRef?: string }).subjectRef === subjectRef) fromFeed.push(e.type);
  say(`7. Webhooks verified: ${received.filter((e) => e.data.subjectRef === subjectRef).map((e) => e.type).join(', ') || '(none yet)'}`);
  say(`   Events feed: ${fromFeed.join(', ') || '(not yet sequenced)'}; resume later from cursor ${feed.cursor}`);

  // 8. The transparency log: a signed checkpoint, and the log's consistency with it.
  const checkpoint = await permis.public.verifiedCheckpoint();
  say(`8. Log checkpoint verified: ${checkpoint.size} events, signed by ${checkpoint.verifiedBy.join(', ')}`);
  receiver.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`example failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
