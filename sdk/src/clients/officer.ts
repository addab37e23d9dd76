/**
 * The client for privacy officers (a session holding the `officer` role): search and count the
 * access log's events, and export them as a stream (CSV or NDJSON); record, list and end
 * representation relationships; prepare, review and publish open-data releases.
 */
import { SessionAuth } from '../auth/session.js';
import { createApi, expectShape, type RawClient, unwrap } from '../core/api.js';
import type { OperationMap } from '../core/operations.js';
import { Paginated } from '../core/paginate.js';
import { dispositionFilename, StreamedExport } from '../core/stream.js';
import type { BodyOf, CallOptions, QueryOf } from '../core/types.js';
import type { SessionClientOptions } from './session-options.js';

/** The operations the officer client wraps (checked against the OpenAPI document). */
export const officerOperations = {
  searchEvents: 'GET /v1/officer/events',
  eventStats: 'GET /v1/officer/stats',
  exportEvents: 'GET /v1/officer/events/export',
  recordRepresentation: 'POST /v1/officer/representations',
  listRepresentations: 'GET /v1/officer/representations',
  getRepresentation: 'GET /v1/officer/representations/{id}',
  endRepresentation: 'POST /v1/officer/representations/{id}/end',
  prepareRelease: 'POST /v1/officer/open-data/releases',
  listReleases: 'GET /v1/officer/open-data/releases',
  getRelease: 'GET /v1/officer/open-data/releases/{id}',
  discardRelease: 'DELETE /v1/officer/open-data/releases/{id}',
  publishRelease: 'POST /v1/officer/open-data/releases/{id}/publish',
  recomputeRelease: 'POST /v1/officer/open-data/releases/{id}/recompute',
} as const satisfies OperationMap;

/** Creates a client for an officer's session. */
export function createOfficerClient(opts: SessionClientOptions) {
  const { raw } = createApi(opts, new SessionAuth(opts.sessionToken));
  return {
    /** The raw typed client (openapi-fetch) with this session. */
    raw: raw as RawClient,
    /** `GET /v1/officer/events`: the access log's events matching the filters. Every search is itself logged. */
    searchEvents: (query: QueryOf<'/v1/officer/events', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/officer/events', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/officer/stats`: counts of the matching events. */
    eventStats: (query: QueryOf<'/v1/officer/stats', 'get'> = {}, o?: CallOptions) => unwrap(raw.GET('/v1/officer/stats', { params: { query }, signal: o?.signal })),
    /**
     * `GET /v1/officer/events/export`: every matching event as a stream, read as it arrives
     * (`for await (const line of exp)`, `exp.records()` for NDJSON, or `exp.body`).
     */
    async exportEvents(query: QueryOf<'/v1/officer/events/export', 'get'>, o?: CallOptions): Promise<StreamedExport> {
      const result = raw.GET('/v1/officer/events/export', { params: { query }, parseAs: 'stream', signal: o?.signal });
      const body = await unwrap(result);
      const { response } = await result;
      expectShape(body instanceof ReadableStream, 'a streamed export');
      return new StreamedExport(body as ReadableStream<Uint8Array>, response.headers.get('content-type') ?? '', dispositionFilename(response.headers.get('content-disposition')));
    },
    /** `POST /v1/officer/representations`: records parental authority, guardianship or a support measure (officer or admin). */
    recordRepresentation: (body: BodyOf<'/v1/officer/representations', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/officer/representations', { body, signal: o?.signal })),
    /** `GET /v1/officer/representations`: relationships, or (`endingWithinDays`) those ending soon. */
    listRepresentations: (query: QueryOf<'/v1/officer/representations', 'get'> = {}, o?: CallOptions) =>
      new Paginated((cursor) => unwrap(raw.GET('/v1/officer/representations', { params: { query: { ...query, cursor } }, signal: o?.signal }))),
    /** `GET /v1/officer/representations/{id}`: one relationship with its revisions. */
    getRepresentation: (id: string, o?: CallOptions) => unwrap(raw.GET('/v1/officer/representations/{id}', { params: { path: { id } }, signal: o?.signal })),
    /** `POST /v1/officer/representations/{id}/end`: ends a relationship, with the reason. */
    endRepresentation: (id: string, body: BodyOf<'/v1/officer/representations/{id}/end', 'post'>, o?: CallOptions) =>
      unwrap(raw.POST('/v1/officer/representations/{id}/end', { params: { path: { id } }, body, signal: o?.signal })),
    /** `POST /v1/officer/open-data/releases`: prepares a draft open-data release at the latest published checkpoint, with its preview. */
    prepareRelease: (body: BodyOf<'/v1/officer/open-data/releases', 'post'> = {}, o?: CallOptions) =>
      unwrap(raw.POST('/v1/officer/open-data/releases', { body, signal: o?.signal })),
    /** `GET /v1/officer/open-data/releases`: drafts and published releases. */
    listReleases: (o?: CallOptions) => unwrap(raw.GET('/v1/officer/open-data/releases', { signal: o?.signal })),
    /** `GET /v1/officer/open-data/releases/{id}`: one release with its preview (withheld cells marked). */
    getRelease: (id: string, o?: CallOptions) => unwrap(raw.GET('/v1/officer/open-data/releases/{id}', { params: { path: { id } }, signal: o?.signal })),
    /** `DELETE /v1/officer/open-data/releases/{id}`: discards a draft (a published release cannot be discarded). */
    async discardRelease(id: string, o?: CallOptions): Promise<void> {
      await unwrap(raw.DELETE('/v1/officer/open-data/releases/{id}', { params: { path: { id } }, signal: o?.signal }));
    },
    /** `POST /v1/officer/open-data/releases/{id}/publish`: signs and publishes a draft; it never changes afterwards. */
    publishRelease: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/officer/open-data/releases/{id}/publish', { params: { path: { id } }, signal: o?.signal })),
    /** `POST /v1/officer/open-data/releases/{id}/recompute`: recomputes a release at its checkpoint and says whether it is byte-identical. */
    recomputeRelease: (id: string, o?: CallOptions) => unwrap(raw.POST('/v1/officer/open-data/releases/{id}/recompute', { params: { path: { id } }, signal: o?.signal })),
  };
}

/** A client for an officer (see `createOfficerClient`). */
export type OfficerClient = ReturnType<typeof createOfficerClient>;
