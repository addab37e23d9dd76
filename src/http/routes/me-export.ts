import { createRoute } from '@hono/zod-openapi';
import { b64url } from '@permis/sdk/encoding';
import { UnauthenticatedError } from '../../domain/errors.js';
import { uuidv7 } from '../../domain/ids.js';
import { listAccessLog } from '../../storage/access-log-repo.js';
import { insertAuditEvent } from '../../storage/audit-repo.js';
import { findCitizen } from '../../storage/citizens.js';
import { listConsents } from '../../storage/consents-repo.js';
import { listAllSessions, receiptsOf, revisionsOf } from '../../storage/export-repo.js';
import { listPasskeys } from '../../storage/passkeys.js';
import { listCitizenRequests } from '../../storage/requests-repo.js';
import { listCitizenRoles } from '../../storage/roles-repo.js';
import { exportNotifications } from '../../notifications/export-notifications.js';
import { newRouter } from '../router.js';
import { json } from '../json-content.js';
import type { AppDeps } from '../../core/deps.js';
import { citizenAuth } from '../middleware/citizen-auth.js';
import { problemResponses } from '../problem.js';
import { DataExport } from '../schemas/me-data.js';
import { accessEventView } from '../../log/access-log-view.js';
import { consentView, receiptView, revisionView } from '../../consent/consent-view.js';
import { requestView } from '../../consent/request-view.js';


/** Groups rows by their consent id, keeping their order. */
function byConsent<T extends { consent_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(r.consent_id, [...(out.get(r.consent_id) ?? []), r]);
  return out;
}

/** Most entries per section of an export; the newest are kept and the section is marked truncated. */
export const EXPORT_LIMITS = { sessions: 1000, consents: 1000, requests: 1000, accessLog: 10_000 } as const;

/** The citizen's export of everything Permís holds about them (GDPR Arts. 15 and 20). */
export function meExportRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/export',
      tags: ['me'],
      security: [{ session: [] }],
      middleware: citizenAuth(deps),
      summary: 'Export all my data as JSON (GDPR Arts. 15 and 20)',
      description:
        'One consistent snapshot: profile, roles, passkeys (public data), sessions, consents with every revision and signed receipt, ' +
        `consent requests, notifications with their settings and the e-mail address, and the access log (without proofs: \`GET /v1/me/access-log\` has them). Each section holds at most ` +
        `${EXPORT_LIMITS.consents} consents, ${EXPORT_LIMITS.requests} requests, ${EXPORT_LIMITS.sessions} sessions and ` +
        `${EXPORT_LIMITS.accessLog} access-log entries, the newest; \`truncated\` says which were cut. The export itself is audited.`,
      responses: { 200: { description: 'Everything about me', content: json(DataExport) }, ...problemResponses(401) },
    }),
    async (c) => {
      const { citizenId } = c.get('citizen');
      const now = deps.clock.now();
      const body = await deps.db.transaction(async (tx) => {
        // One snapshot for every section.
        await tx.query('set transaction isolation level repeatable read');
        const citizen = await findCitizen(tx, citizenId);
        if (!citizen || citizen.erasedAt) throw new UnauthenticatedError();
        const [roles, passkeys, sessions, consents, requests, events] = [
          await listCitizenRoles(tx, citizenId),
          await listPasskeys(tx, citizenId),
          await listAllSessions(tx, citizenId, EXPORT_LIMITS.sessions + 1),
          await listConsents(tx, { citizenId, limit: EXPORT_LIMITS.consents + 1, now }),
          await listCitizenRequests(tx, { citizenId, limit: EXPORT_LIMITS.requests + 1 }),
          await listAccessLog(tx, citizenId, {}, { limit: EXPORT_LIMITS.accessLog + 1 }),
        ];
        const shownConsents = consents.slice(0, EXPORT_LIMITS.consents);
        const ids = shownConsents.map((k) => k.id);
        const notifications = await exportNotifications(tx, deps, citizenId);
        const revisionsBy = byConsent(await revisionsOf(tx, ids));
        const receiptsBy = byConsent(await receiptsOf(tx, ids));
        await insertAuditEvent(tx, {
          id: uuidv7(deps.clock, deps.random),
          type: 'citizen.data_exported',
          actorType: 'citizen',
          actorId: citizenId,
          citizenId,
          requestId: c.get('requestId'),
          data: {},
          createdAt: now,
        });
        return {
          format: 'permis-export/1' as const,
          exportedAt: now.toISOString(),
          profile: { id: citizen.id, displayName: citizen.displayName, createdAt: citizen.createdAt.toISOString() },
          roles: roles.map((g) => ({ role: g.role, grantedAt: g.grantedAt.toISOString() })),
          passkeys: passkeys.map((p) => ({
            id: p.id,
            name: p.name,
            createdAt: p.createdAt.toISOString(),
            lastUsedAt: p.lastUsedAt ? p.lastUsedAt.toISOString() : null,
            deviceType: p.deviceType,
            backedUp: p.backedUp,
            transports: p.transports,
            publicKey: b64url(p.publicKey),
          })),
          sessions: sessions.slice(0, EXPORT_LIMITS.sessions).map((s) => ({
            id: s.id,
            createdAt: s.createdAt.toISOString(),
            expiresAt: s.expiresAt.toISOString(),
            revokedAt: s.revokedAt ? s.revokedAt.toISOString() : null,
            userAgent: s.userAgent,
          })),
          consents: shownConsents.map((k) => ({
            ...consentView(k, now),
            revisions: (revisionsBy.get(k.id) ?? []).map(revisionView),
            receipts: (receiptsBy.get(k.id) ?? []).map(receiptView),
          })),
          requests: requests.slice(0, EXPORT_LIMITS.requests).map((q) => requestView(q, now, deps.config.publicUrl)),
          accessLog: events.slice(0, EXPORT_LIMITS.accessLog).map(accessEventView),
          notifications,
          truncated: {
            sessions: sessions.length > EXPORT_LIMITS.sessions,
            consents: consents.length > EXPORT_LIMITS.consents,
            requests: requests.length > EXPORT_LIMITS.requests,
            accessLog: events.length > EXPORT_LIMITS.accessLog,
          },
        };
      });
      c.header('Cache-Control', 'no-store');
      c.header('Content-Disposition', `attachment; filename="permis-export-${now.toISOString().slice(0, 10)}.json"`);
      return c.json(body, 200);
    },
  );

  return r;
}
