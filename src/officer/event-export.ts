/**
 * The streaming export of the access log (CSV and NDJSON, streamed): a
 * web-standard ReadableStream that fetches one keyset page at a time, only when the reader
 * asks for more, so memory holds at most a page or two whatever the size of the export.
 */
import type { Sql } from '../storage/db.js';
import type { EventFilter } from '../storage/event-filter.js';
import { type EventOrder, type EventPosition, type OfficerEventRow, searchEvents } from '../storage/event-search.js';
import { officerCsvHeader, officerCsvRecord, officerEventView } from './officer-event-view.js';

/** Rows fetched per database query while exporting. */
export const EXPORT_PAGE_SIZE = 1000;

/** The attachment name of an export made at `at`, e.g. `permis-events-20270630T101500Z.csv`. */
export const exportFileName = (at: Date, format: ExportFormat): string =>
  `permis-events-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}.${format.extension}`;

/** The filters as written to the officer's audit event (`types` as a plain list). */
export const auditedFilters = (f: EventFilter): Record<string, unknown> => ({ ...f, ...(f.types ? { types: [...f.types] } : {}) });

/** An export format and how it renders. */
export interface ExportFormat {
  contentType: string;
  extension: string;
  /** Written before the first event (the CSV header row). */
  preamble: string;
  render(e: OfficerEventRow): string;
}

/** RFC 4180 CSV with a header row (RFC 4180 §3: `header=present`), and NDJSON. */
export const exportFormatsByName: Record<'csv' | 'ndjson', ExportFormat> = {
  csv: { contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv', preamble: officerCsvHeader(), render: officerCsvRecord },
  ndjson: { contentType: 'application/x-ndjson', extension: 'ndjson', preamble: '', render: (e) => `${JSON.stringify(officerEventView(e))}\n` },
};

/** Options of one export. */
export interface ExportOptions {
  format: ExportFormat;
  order: EventOrder;
  /** Rows per query (default EXPORT_PAGE_SIZE). */
  pageSize?: number;
  /** Told when a page cannot be read; the stream then ends with an error. */
  onError?: (err: unknown) => void;
}

/**
 * Every event `filter` selects, rendered in `opts.format`, in `opts.order`. Each pull reads
 * one page of `pageSize` rows after the last one sent (keyset pagination); nothing is read
 * before the reader asks, and nothing more once it cancels.
 */
export function exportEventStream(sql: Sql, filter: EventFilter, opts: ExportOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageSize = opts.pageSize ?? EXPORT_PAGE_SIZE;
  let after: EventPosition | undefined;
  let preambleSent = opts.format.preamble === '';
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!preambleSent) {
          preambleSent = true;
          controller.enqueue(encoder.encode(opts.format.preamble));
          return;
        }
        let rows: OfficerEventRow[];
        try {
          rows = await searchEvents(sql, filter, { order: opts.order, after, limit: pageSize });
        } catch (err) {
          opts.onError?.(err);
          controller.error(err);
          return;
        }
        if (rows.length > 0) {
          after = rows[rows.length - 1]!.position;
          controller.enqueue(encoder.encode(rows.map(opts.format.render).join('')));
        }
        if (rows.length < pageSize) controller.close();
      },
    },
    // Pull only when the reader has taken what was sent: one page in flight at a time.
    { highWaterMark: 0 },
  );
}
