/**
 * A release's cells as CSV (RFC 4180: header row, CRLF, quoted when needed) and the CSVW
 * metadata that describes it (W3C "Metadata Vocabulary for Tabular Data", the
 * `<file>-metadata.json` convention of "Model for Tabular Data" §5.1.2).
 */
import { csvRecord } from '../domain/csv.js';
import { measureDescription, MEASURES } from './measures.js';
import type { ReleaseCell } from './release-table.js';

/** The CSV's columns, in order. */
export const CSV_COLUMNS = ['month', 'scope', 'service', 'measure', 'value', 'withheld'] as const;

/** The CSV text: one row per cell; city totals have scope `city` and no service; withheld cells no value. */
export function releaseCsv(cells: readonly ReleaseCell[]): string {
  let out = csvRecord(CSV_COLUMNS);
  for (const c of cells) {
    out += csvRecord([c.month, c.service === null ? 'city' : 'service', c.service, c.measure, c.value === null ? null : String(c.value), c.value === null ? 'true' : 'false']);
  }
  return out;
}

/** What the CSVW metadata says about the file. */
export interface CsvwInput {
  csvUrl: string;
  number: number;
  licence: string;
  publisherName: string;
  k: number;
  epsilon: number | null;
  corrects: number | null;
}

/** The CSVW metadata (JSON-LD, context `http://www.w3.org/ns/csvw`). */
export function csvwMetadata(m: CsvwInput): Record<string, unknown> {
  return {
    '@context': ['http://www.w3.org/ns/csvw', { '@language': 'en' }],
    url: m.csvUrl,
    'dc:title': `Permís open data, release ${m.number}`,
    'dc:description':
      `Counts per city service and month of consents, requests and checks, computed from the transparency log. No count from 1 to ${m.k - 1} is published; ` +
      'more cells are withheld so that none of those withheld follows from the published ones and the totals.' +
      (m.epsilon === null ? '' : ` Counts carry discrete Laplace noise with ε = ${m.epsilon} per release.`) +
      (m.corrects ? ` This release corrects release ${m.corrects}.` : ''),
    'dc:license': { '@id': m.licence },
    'dc:publisher': m.publisherName,
    dialect: { header: true, lineTerminators: ['\r\n'], encoding: 'utf-8' },
    tableSchema: {
      columns: [
        { name: 'month', titles: 'month', datatype: 'gYearMonth', required: true, 'dc:description': 'The calendar month (UTC).' },
        { name: 'scope', titles: 'scope', datatype: { base: 'string', format: 'service|city' }, required: true, 'dc:description': '`service`: one service; `city`: all services together.' },
        { name: 'service', titles: 'service', datatype: 'string', 'dc:description': 'The service’s client id (empty for the city totals).' },
        {
          name: 'measure',
          titles: 'measure',
          datatype: { base: 'string', format: MEASURES.map((m) => m.replace(/\./g, '\\.')).join('|') },
          required: true,
          'dc:description': MEASURES.map((x) => `${x}: ${measureDescription(x)}`).join('; '),
        },
        { name: 'value', titles: 'value', datatype: 'nonNegativeInteger', 'dc:description': 'The count (minutes for the median); empty when withheld or not defined.' },
        { name: 'withheld', titles: 'withheld', datatype: 'boolean', required: true, 'dc:description': 'True when the value is withheld for disclosure control or not defined.' },
      ],
      primaryKey: ['month', 'scope', 'service', 'measure'],
    },
  };
}
