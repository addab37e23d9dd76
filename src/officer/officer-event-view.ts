/** How officers see an audit event: as JSON (search, NDJSON export) and as a CSV record. */
import { csvRecord } from '../domain/csv.js';
import type { OfficerEventRow } from '../storage/event-search.js';

/** The JSON view of an event (search results and NDJSON lines). */
export const officerEventView = (e: OfficerEventRow) => ({
  id: e.id,
  type: e.type,
  createdAt: e.createdAt.toISOString(),
  actorType: e.actorType,
  actorId: e.actorId,
  serviceId: e.serviceId,
  serviceClientId: e.serviceClientId,
  citizenId: e.citizenId,
  consentId: e.consentId,
  requestId: e.requestId,
  data: e.data,
  leafIndex: e.leafIndex,
  redacted: e.redacted,
});

/** The CSV columns, in order (the header row). */
export const OFFICER_CSV_COLUMNS = [
  'id',
  'createdAt',
  'leafIndex',
  'type',
  'actorType',
  'actorId',
  'serviceId',
  'serviceClientId',
  'citizenId',
  'consentId',
  'requestId',
  'subjectRef',
  'purposes',
  'dataCategories',
  'processing',
  'decision',
  'reason',
  'redacted',
  'data',
] as const;

/** A string field of `data`, or a list field joined by spaces; anything else is empty. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').join(' ');
  return null;
}

/** The CSV header record (RFC 4180 §2 item 3). */
export const officerCsvHeader = (): string => csvRecord(OFFICER_CSV_COLUMNS);

/**
 * One event as a CSV record: the common fields of checks, transitions and requests in their
 * own columns (lists space-separated), and the whole `data` as JSON in the last one.
 */
export function officerCsvRecord(e: OfficerEventRow): string {
  const d = e.data;
  return csvRecord([
    e.id,
    e.createdAt.toISOString(),
    e.leafIndex,
    e.type,
    e.actorType,
    e.actorId,
    e.serviceId,
    e.serviceClientId,
    e.citizenId,
    e.consentId,
    e.requestId,
    text(d.subjectRef),
    text(d.purpose ?? d.purposes),
    text(d.dataCategories),
    text(d.processing),
    text(d.decision),
    text(d.reason),
    e.redacted ? 'true' : 'false',
    JSON.stringify(d),
  ]);
}
