import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { NotFoundError } from '../../domain/errors.js';
import { dcatCatalogue } from '../../open-data/dcat-catalogue.js';
import { openDataSettings } from '../../open-data/open-data-config.js';
import { toJsonLd, toTurtle } from '../../open-data/rdf-graph.js';
import { csvwMetadata, releaseCsv } from '../../open-data/release-csv.js';
import { parseDocument, publicReleaseView } from '../../open-data/release-view.js';
import { openDataUrls } from '../../open-data/dcat-catalogue.js';
import { getPublishedRelease, listPublishedReleases, type ReleaseRow } from '../../storage/open-data-repo.js';
import { json } from '../json-content.js';
import { problemResponses } from '../problem.js';
import { newRouter } from '../router.js';
import { PublicRelease, PublicReleaseList, ReleaseNumberParam } from '../schemas/open-data.js';

const tags = ['open data'];
/** A published release never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Anyone may read the open data, from any origin. */
const CORS = { 'Access-Control-Allow-Origin': '*' };
const text = (type: string, description: string) => ({ [type]: { schema: z.string().openapi({ description }) } });

/**
 * The open data, public and without sign-in: published releases (their JSON document, CSV,
 * CSVW metadata and signed note, at stable URLs) and the DCAT-AP 3.0 catalogue in Turtle and
 * JSON-LD.
 */
export function openDataRoutes(deps: AppDeps) {
  const r = newRouter();
  const sql = () => deps.readDb ?? deps.db;
  const urls = openDataUrls(deps.config.publicUrl);
  /** A published release by number, from the replica if it has it, else from the primary. */
  const release = async (n: number): Promise<ReleaseRow> => {
    const found = (await getPublishedRelease(sql(), n)) ?? (deps.readDb && deps.readDb !== deps.db ? await getPublishedRelease(deps.db, n) : undefined);
    if (!found) throw new NotFoundError('release');
    return found;
  };

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases',
      tags,
      security: [],
      summary: 'Published open-data releases',
      description: 'Every published release, newest first, with its checkpoint, disclosure-control settings, signed note and the stable URLs of its files.',
      responses: { 200: { description: 'The releases', content: json(PublicReleaseList) }, ...problemResponses() },
    }),
    async (c) => {
      const rows = await listPublishedReleases(sql());
      return c.json({ items: rows.map((x) => publicReleaseView(x, deps.config.publicUrl)) }, 200, { 'Cache-Control': 'public, max-age=60', ...CORS });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases/{number}',
      tags,
      security: [],
      summary: 'One published release',
      request: { params: ReleaseNumberParam },
      responses: { 200: { description: 'The release', content: json(PublicRelease) }, ...problemResponses(400, 404) },
    }),
    async (c) => c.json(publicReleaseView(await release(c.req.valid('param').number), deps.config.publicUrl), 200, { 'Cache-Control': IMMUTABLE, ...CORS }),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases/{number}/release.json',
      tags,
      security: [],
      summary: 'A release’s document',
      description:
        'The release document, RFC 8785 canonical JSON: the checkpoint it was computed at, the disclosure-control settings, the measures, ' +
        'the services, and every cell (`value` null: withheld or not defined). Its SHA-256 is the `sha256` line of the signed note.',
      request: { params: ReleaseNumberParam },
      responses: { 200: { description: 'The document', content: text('application/json', 'The canonical JSON document.') }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const row = await release(c.req.valid('param').number);
      return c.body(row.document, 200, { 'Content-Type': 'application/json', 'Cache-Control': IMMUTABLE, ...CORS });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases/{number}/statistics.csv',
      tags,
      security: [],
      summary: 'A release’s cells as CSV',
      description: 'RFC 4180 CSV (header row, CRLF): month, scope (`service` or `city`), service, measure, value (empty when withheld), withheld. Described by `statistics.csv-metadata.json` (CSVW).',
      request: { params: ReleaseNumberParam },
      responses: { 200: { description: 'The CSV', content: text('text/csv', 'RFC 4180 CSV with a header row.') }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const n = c.req.valid('param').number;
      const row = await release(n);
      return c.body(releaseCsv(parseDocument(row).cells), 200, {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `inline; filename="permis-open-data-${n}.csv"`,
        Link: `<${urls.csvw(n)}>; rel="describedby"; type="application/csvm+json"`,
        'Cache-Control': IMMUTABLE,
        ...CORS,
      });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases/{number}/statistics.csv-metadata.json',
      tags,
      security: [],
      summary: 'The CSVW metadata of a release’s CSV',
      request: { params: ReleaseNumberParam },
      responses: { 200: { description: 'CSVW metadata', content: text('application/csvm+json', 'W3C CSVW metadata (JSON-LD).') }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const n = c.req.valid('param').number;
      const row = await release(n);
      const s = openDataSettings(deps.config);
      const meta = csvwMetadata({ csvUrl: urls.csv(n), number: n, licence: s.licence, publisherName: s.publisherName, k: row.k, epsilon: row.epsilon, corrects: row.correctsNumber });
      return c.body(JSON.stringify(meta, null, 2), 200, { 'Content-Type': 'application/csvm+json', 'Cache-Control': 'public, max-age=300', ...CORS });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/releases/{number}/signature.note',
      tags,
      security: [],
      summary: 'A release’s signed note',
      description:
        'A C2SP signed note (c2sp.org/signed-note) signed with the log’s checkpoint key (verifier key: `GET /v1/log/key`): ' +
        '`<origin>/open-data`, `release <n>`, `checkpoint <tree size> <base64 root hash>`, `sha256 <hex of release.json>`, ' +
        'and `corrects <n>` for a correction.',
      request: { params: ReleaseNumberParam },
      responses: { 200: { description: 'The signed note', content: text('text/plain', 'The signed note.') }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const row = await release(c.req.valid('param').number);
      return c.body(row.signature!, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': IMMUTABLE, ...CORS });
    },
  );

  const catalogue = async (c: Context, format: 'turtle' | 'jsonld') => {
    const rows = await listPublishedReleases(sql());
    const nodes = dcatCatalogue({
      publicUrl: deps.config.publicUrl,
      settings: openDataSettings(deps.config),
      releases: rows.map((x) => {
        const period = parseDocument(x).period;
        return { number: x.number!, publishedAt: x.publishedAt!, firstMonth: period?.firstMonth ?? null, lastMonth: period?.lastMonth ?? null, correctsNumber: x.correctsNumber };
      }),
    });
    const headers = { 'Cache-Control': 'public, max-age=300', Vary: 'Accept', ...CORS };
    return format === 'turtle'
      ? c.body(toTurtle(nodes), 200, { 'Content-Type': 'text/turtle; charset=utf-8', ...headers })
      : c.body(JSON.stringify(toJsonLd(nodes), null, 2), 200, { 'Content-Type': 'application/ld+json', ...headers });
  };
  const catalogueDescription =
    'The DCAT-AP 3.0 catalogue of the open data: the dataset (monthly statistics per service), its publisher, licence (CC BY 4.0 unless configured), ' +
    'temporal coverage and monthly update frequency, and a CSV and a JSON distribution per published release — for CKAN’s DCAT harvester and data.europa.eu.';

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/catalogue',
      tags,
      security: [],
      summary: 'The DCAT-AP catalogue (Turtle, or JSON-LD by Accept)',
      description: `${catalogueDescription} Turtle unless the Accept header prefers \`application/ld+json\`.`,
      responses: { 200: { description: 'The catalogue', content: { ...text('text/turtle', 'Turtle'), ...text('application/ld+json', 'JSON-LD') } }, ...problemResponses() },
    }),
    (c) => {
      const accept = c.req.header('Accept') ?? '';
      const wantsJsonLd = /application\/(ld\+)?json/.test(accept) && !/text\/turtle/.test(accept);
      return catalogue(c, wantsJsonLd ? 'jsonld' : 'turtle');
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/catalogue.ttl',
      tags,
      security: [],
      summary: 'The DCAT-AP catalogue in Turtle',
      description: catalogueDescription,
      responses: { 200: { description: 'The catalogue', content: text('text/turtle', 'Turtle') }, ...problemResponses() },
    }),
    (c) => catalogue(c, 'turtle'),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/open-data/catalogue.jsonld',
      tags,
      security: [],
      summary: 'The DCAT-AP catalogue in JSON-LD',
      description: catalogueDescription,
      responses: { 200: { description: 'The catalogue', content: text('application/ld+json', 'JSON-LD') }, ...problemResponses() },
    }),
    (c) => catalogue(c, 'jsonld'),
  );

  return r;
}
