import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { NotFoundError } from '../../domain/errors.js';
import { endByOfficer } from '../../representation/end-representation.js';
import { recordRepresentation } from '../../representation/record-representation.js';
import type { RepresentationActor } from '../../representation/record-revision.js';
import { representationView } from '../../representation/relationship.js';
import { hasRole } from '../../storage/roles-repo.js';
import { citizenNames, findRepresentation, listRepresentationRevisions, type RepresentationRow, searchRepresentations } from '../../storage/representations-repo.js';
import type { AppEnv } from '../env.js';
import { json } from '../json-content.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { requireRole } from '../middleware/require-role.js';
import { problemResponses } from '../problem.js';
import { newRouter } from '../router.js';
import { EndBody, OfficerRepresentationQuery, RecordRepresentationBody, Representation, RepresentationDetail, RepresentationIdParam, RepresentationPage } from '../schemas/representation.js';

const DAY_MS = 86_400_000;

/** Whoever acts here, as the audit trail names them: an officer, or else an admin. */
async function staffActor(deps: AppDeps, c: Context<AppEnv>): Promise<RepresentationActor & { id: string }> {
  const id = c.get('citizen').citizenId;
  return { type: (await hasRole(deps.db, id, 'officer')) ? 'officer' : 'admin', id };
}

/**
 * Officers and admins record parental authority, guardianship and support measures after
 * checking the evidence (only its reference is stored), end them, and list them — among
 * others, those that end within N days.
 */
export function officerRepresentationRoutes(deps: AppDeps) {
  const r = newRouter();
  const common = { tags: ['officer'], security: [{ session: [] }], middleware: [citizenAuth(deps), requireRole(deps, ['officer', 'admin'])] };
  const views = async (rows: RepresentationRow[]) => {
    const names = await citizenNames(deps.db, rows.flatMap((x) => [x.representedId, x.representativeId]));
    return rows.map((row) => representationView(row, names, { officer: true }));
  };

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/officer/representations',
      summary: "Record parental authority, guardianship or a support measure (a minor's ends on the 14th birthday)",
      description:
        'The represented person is an existing account or a new profile managed by representatives. For a minor the date of ' +
        'birth is required and the relationship ends, at the latest, on the 14th birthday (LOPDGDD Art. 7.1).',
      request: { body: { content: json(RecordRepresentationBody), required: true } },
      responses: { 201: { description: 'Recorded', content: json(Representation) }, ...problemResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const actor = await staffActor(deps, c);
      const row = await deps.db.transaction((tx) =>
        recordRepresentation(tx, deps, { ...b, validUntil: b.validUntil ? new Date(b.validUntil) : undefined }, actor, c.get('requestId')),
      );
      return c.json((await views([row]))[0]!, 201);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/representations',
      summary: 'List relationships (newest first), or those ending within N days (soonest first)',
      request: { query: OfficerRepresentationQuery },
      responses: { 200: { description: 'A page of relationships', content: json(RepresentationPage) }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const endingBefore = q.endingWithinDays !== undefined ? new Date(deps.clock.now().getTime() + q.endingWithinDays * DAY_MS) : undefined;
      const rows = await searchRepresentations(deps.db, { status: q.status, kind: q.kind, citizenId: q.citizenId, endingBefore, before: endingBefore ? undefined : q.cursor, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      c.header('Cache-Control', 'no-store');
      return c.json({ items: await views(page), nextCursor: rows.length > q.limit && !endingBefore ? page[page.length - 1]!.id : null }, 200);
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/officer/representations/{id}',
      summary: 'One relationship with its revisions',
      request: { params: RepresentationIdParam },
      responses: { 200: { description: 'The relationship', content: json(RepresentationDetail) }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const row = await findRepresentation(deps.db, c.req.valid('param').id);
      if (!row) throw new NotFoundError('representation');
      const revisions = await listRepresentationRevisions(deps.db, row.id);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          ...(await views([row]))[0]!,
          revisions: revisions.map((x) => ({ revision: x.revision, event: x.event, status: x.status, actorType: x.actorType, createdAt: x.createdAt.toISOString() })),
        },
        200,
      );
    },
  );

  r.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/officer/representations/{id}/end',
      summary: 'End a relationship (a court decision, a death, a mistake), with the reason',
      request: { params: RepresentationIdParam, body: { content: json(EndBody), required: true } },
      responses: { 200: { description: 'Ended', content: json(Representation) }, ...problemResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const actor = await staffActor(deps, c);
      const row = await deps.db.transaction((tx) => endByOfficer(tx, deps, c.req.valid('param').id, c.req.valid('json').reason, actor, c.get('requestId')));
      return c.json((await views([row]))[0]!, 200);
    },
  );
  return r;
}
