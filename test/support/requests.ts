import { expect } from 'vitest';
import type { SignedInCitizen } from './citizen.js';
import { bearer } from './citizen.js';
import type { TestContext } from './harness.js';
import { serviceBearer } from './service-client.js';

import type { Json } from './json.js';

/** Sends a JSON request and returns status, headers and parsed body. */
export async function send(t: TestContext, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await t.app.request(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

/** A valid request body from a service for `subjectRef`. */
export const requestBody = (subjectRef: string, overrides: Record<string, unknown> = {}) => ({
  subjectRef,
  purposes: ['t-benefits'],
  dataCategories: ['t-address', 't-income'],
  processing: ['t-use'],
  durationDays: 90,
  notice: {
    version: '2026-11',
    texts: {
      ca: 'Autoritzo l’ajuntament a consultar la meva adreça i ingressos per tramitar l’ajut.',
      es: 'Autorizo al ayuntamiento a consultar mi dirección e ingresos para tramitar la ayuda.',
      en: 'I allow the city to look up my address and income to process the grant.',
    },
  },
  ...overrides,
});

/** A service creates a request; returns its body (with approvalUrl). */
export async function createConsentRequest(t: TestContext, serviceToken: string, subjectRef: string, overrides: Record<string, unknown> = {}): Promise<Json> {
  const r = await send(t, 'POST', '/v1/requests', serviceBearer(serviceToken), requestBody(subjectRef, overrides));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** The citizen approves request `id` with the terms-bound passkey ceremony; returns the 201 body. */
export async function approveConsentRequest(t: TestContext, who: SignedInCitizen, id: string, language?: 'ca' | 'es' | 'en'): Promise<Json> {
  const start = await send(t, 'POST', `/v1/me/requests/${id}/approval`, bearer(who.token), language ? { language } : undefined);
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const response = await who.authenticator.authenticate(start.body.options);
  const done = await send(t, 'POST', `/v1/me/requests/${id}/approve`, bearer(who.token), { ceremonyId: start.body.ceremonyId, response });
  expect(done.status, JSON.stringify(done.body)).toBe(201);
  return done.body;
}
