import type { ReceiptTerm } from '../crypto/receipt.js';
import type { Sql } from './db.js';

/** What a consent needs to know about its service. */
export interface ConsentService {
  id: string;
  clientId: string;
  name: { ca: string; es: string; en: string };
  controller: { name: string; dpoContact: string; policyUrl: string };
  purposes: string[];
  categories: string[];
  processing: string[];
  status: 'active' | 'suspended';
}

/** The service `id`, or undefined. */
export async function loadConsentService(sql: Sql, id: string): Promise<ConsentService | undefined> {
  const rows = await sql.query<{
    id: string;
    client_id: string;
    name: ConsentService['name'];
    controller: ConsentService['controller'];
    purposes: string[];
    categories: string[];
    processing: string[];
    status: ConsentService['status'];
  }>('select id, client_id, name, controller, purposes, categories, processing, status from services where id = $1', [id]);
  const r = rows[0];
  return r && { id: r.id, clientId: r.client_id, name: r.name, controller: r.controller, purposes: r.purposes, categories: r.categories, processing: r.processing, status: r.status };
}

/** A catalogue term as consents use it. */
export interface TermInfo extends ReceiptTerm {
  kind: 'purpose' | 'category' | 'processing';
  maxValidityDays: number | null;
}

/** The catalogue entries for the given codes of one kind (unknown codes are simply absent). */
export async function loadTerms(sql: Sql, kind: TermInfo['kind'], codes: readonly string[]): Promise<TermInfo[]> {
  if (codes.length === 0) return [];
  const rows = await sql.query<{ code: string; dpv: string | null; sensitive: boolean; max_validity_days: number | null }>(
    'select code, dpv, sensitive, max_validity_days from catalogue_terms where kind = $1 and code = any($2::text[]) order by code',
    [kind, codes],
  );
  return rows.map((r) => ({ kind, code: r.code, dpv: r.dpv, sensitive: r.sensitive, maxValidityDays: r.max_validity_days }));
}
