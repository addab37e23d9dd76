import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/storage/db.js';

const tri = (s: string) => ({ ca: s, es: s, en: s });

/** Inserts catalogue terms for tests (codes prefixed so they never clash with the seed). */
export async function seedTestCatalogue(db: Db): Promise<void> {
  const rows: [string, string, string | null, boolean, number | null][] = [
    ['purpose', 't-benefits', 'dpv:ServiceProvision', false, 365],
    ['purpose', 't-research', 'dpv:ResearchAndDevelopment', false, 730],
    ['purpose', 't-short', null, false, 30],
    ['category', 't-address', 'pd:PhysicalAddress', false, null],
    ['category', 't-income', 'pd:Income', false, null],
    ['category', 't-health', 'pd:Health', true, null],
    ['processing', 't-use', 'dpv:Use', false, null],
    ['processing', 't-share', 'dpv:Share', false, null],
  ];
  for (const [kind, code, dpv, sensitive, cap] of rows) {
    await db.query(
      `insert into catalogue_terms (kind, code, dpv, label, description, sensitive, max_validity_days)
       values ($1,$2,$3,$4::jsonb,$5::jsonb,$6,$7) on conflict do nothing`,
      [kind, code, dpv, tri(code), tri(`Test term ${code}`), sensitive, cap],
    );
  }
}

/** Inserts a service allowed to ask for the test catalogue's terms; returns its id. */
export async function createTestService(
  db: Db,
  opts: { clientId?: string; status?: 'active' | 'suspended'; purposes?: string[]; categories?: string[]; processing?: string[] } = {},
): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await db.query(
    `insert into services (id, client_id, name, description, controller, purposes, categories, processing, status, created_at, updated_at)
     values ($1,$2,$3::jsonb,$4::jsonb,$5::jsonb,$6::text[],$7::text[],$8::text[],$9,$10,$10)`,
    [
      id,
      opts.clientId ?? `svc-${id.slice(0, 8)}`,
      tri('Ajuts socials'),
      tri('Test service'),
      { name: 'Ajuntament de Barcelona', dpoContact: 'dpd@example.cat', policyUrl: 'https://example.cat/privacy' },
      opts.purposes ?? ['t-benefits', 't-research', 't-short'],
      opts.categories ?? ['t-address', 't-income', 't-health'],
      opts.processing ?? ['t-use', 't-share'],
      opts.status ?? 'active',
      now,
    ],
  );
  return id;
}

/** A valid grant body for `serviceId`, valid for `days` days from `now`. */
export function grantBody(serviceId: string, now: Date, overrides: Record<string, unknown> = {}) {
  return {
    serviceId,
    purposes: ['t-benefits'],
    dataCategories: ['t-address', 't-income'],
    processing: ['t-use'],
    validUntil: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
    notice: { language: 'ca', version: '2026-11', text: 'Autoritzo l’Ajuntament a fer servir la meva adreça i ingressos per tramitar ajuts.' },
    ...overrides,
  };
}
