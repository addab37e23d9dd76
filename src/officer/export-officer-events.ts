import type { AppDeps } from '../core/deps.js';
import type { EventFilter } from '../storage/event-filter.js';
import type { EventOrder } from '../storage/event-search.js';
import { auditedFilters, exportEventStream, exportFileName, type ExportFormat, exportFormatsByName } from './event-export.js';
import { auditOfficerQuery, type OfficerActor } from './officer-actor.js';

/** A started export: the stream of events, its format and the attachment's file name. */
export interface OfficerExport {
  body: ReadableStream<Uint8Array>;
  format: ExportFormat;
  fileName: string;
}

/**
 * Every event `filter` selects, as a CSV or NDJSON stream in `order`. The export is bounded:
 * without `to`, or with a `to` in the future, it ends at the moment it was asked for, so events
 * still arriving do not keep an oldest-first export running. Audited as `officer.exported`
 * before the stream is returned; a page that cannot be read later is logged and ends the stream.
 */
export async function exportOfficerEvents(
  deps: AppDeps,
  officer: OfficerActor,
  q: { filter: EventFilter; format: keyof typeof exportFormatsByName; order: EventOrder },
): Promise<OfficerExport> {
  const format = exportFormatsByName[q.format];
  const now = deps.clock.now();
  const filter = { ...q.filter };
  if (filter.to === undefined || Date.parse(filter.to) > now.getTime()) filter.to = now.toISOString();
  await auditOfficerQuery(deps, officer, 'officer.exported', { filters: auditedFilters(filter), format: q.format, order: q.order });
  const body = exportEventStream(deps.readDb ?? deps.db, filter, {
    format,
    order: q.order,
    onError: (err) => deps.log?.('error', 'export failed', { requestId: officer.requestId, message: err instanceof Error ? err.message : String(err) }),
  });
  return { body, format, fileName: exportFileName(now, format) };
}
