import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { NotFoundError } from '../../domain/errors.js';
import { prepareRelease } from '../../open-data/prepare-release.js';
import { discardRelease, publishRelease } from '../../open-data/publish-release.js';
import { recomputeRelease } from '../../open-data/recompute-release.js';
import { officerReleaseView } from '../../open-data/release-view.js';
import type { PreviewCell } from '../../open-data/release-table.js';
import { getRelease, listAllReleases, type ReleaseRow } from '../../storage/open-data-repo.js';
import type { OfficerContext } from '../../storage/officer-audit.js';
import type { AppEnv } from '../env.js';
import { json } from '../json-content.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import { newRouter } from '../router.js';
import { OfficerReleaseList, OfficerReleaseWithPreview, PrepareReleaseBody, Recomputation, ReleaseIdParam } from '../schemas/open-data.js';

const ctxOf = (deps: AppDeps, c: Context<AppEnv>): OfficerContext => ({
  clock: deps.clock,
  random: deps.random,
  officerId: c.get('citizen').citizenId,
  requestId: c.get('requestId'),
});

const withPreview = (r: ReleaseRow) => ({ ...officerReleaseView(r), preview: r.preview as PreviewCell[] });

/**
 * Officers control open-data releases: prepare one at the log's latest published checkpoint,
 * review its preview (every cell with its true value and why it is withheld), publish it or
 * discard it, and recompute it from the events to show it is byte for byte what they give.
 * Every change is an audit event (`officer.release_prepared`, `_published`, `_discarded`).
 */
export function officerOpenDataRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['officer'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, 'officer')] };
  const load = async (id: string) => {
    const row = await getRelease(deps.db, id);
    if (!row) throw new NotFoundError('release');
    return row;
  };

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/officer/open-data/releases',
      summary: 'Prepare an open-data release',
      description:
        'Computes a draft release at the log’s latest published checkpoint: statistics per service and month, counts from 1 to k − 1 withheld, ' +
        'more withheld so that none can be recovered from the totals, and optional discrete Laplace noise with the given ε. Nothing is public ' +
        'until it is published. A correction names the published release it corrects and says what (`corrects`, `correctionNote`).',
      request: { body: { content: json(PrepareReleaseBody), required: true } },
      responses: { 201: { description: 'The draft with its preview', content: json(OfficerReleaseWithPreview) }, ...problemResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const row = await prepareRelease(deps, ctxOf(deps, c), body);
      c.header('Cache-Control', 'no-store');
      return c.json(withPreview(row), 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/open-data/releases',
      summary: 'Open-data releases, drafts first',
      responses: { 200: { description: 'The releases', content: json(OfficerReleaseList) }, ...problemResponses(401, 403) },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ items: (await listAllReleases(deps.db)).map(officerReleaseView) }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/open-data/releases/{id}',
      summary: 'One release with its preview',
      request: { params: ReleaseIdParam },
      responses: { 200: { description: 'The release', content: json(OfficerReleaseWithPreview) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(withPreview(await load(c.req.valid('param').id)), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/officer/open-data/releases/{id}/publish',
      summary: 'Publish a draft release',
      description: 'Gives the draft the next release number and signs it with the log’s checkpoint key. Published releases never change (409 `release_immutable`).',
      request: { params: ReleaseIdParam },
      responses: { 200: { description: 'The published release', content: json(OfficerReleaseWithPreview) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const row = await publishRelease(deps, ctxOf(deps, c), c.req.valid('param').id);
      c.header('Cache-Control', 'no-store');
      return c.json(withPreview(row), 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/officer/open-data/releases/{id}',
      summary: 'Discard a draft release',
      request: { params: ReleaseIdParam },
      responses: { 204: { description: 'Discarded' }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await discardRelease(deps, ctxOf(deps, c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/officer/open-data/releases/{id}/recompute',
      summary: 'Recompute a release from the events at its checkpoint',
      description: 'Recomputes the release document from the log’s events below its tree size and compares it byte for byte with the stored one.',
      request: { params: ReleaseIdParam },
      responses: { 200: { description: 'The comparison', content: json(Recomputation) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const result = await recomputeRelease(deps, await load(c.req.valid('param').id));
      c.header('Cache-Control', 'no-store');
      return c.json(result, 200);
    },
  );

  return r;
}
