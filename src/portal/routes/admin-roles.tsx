import type { Context, Hono } from 'hono';
import { NotFoundError } from '../../domain/errors.js';
import { isUuid } from '../../domain/ids.js';
import { enrolUrl, isRole, type Role } from '../../domain/roles.js';
import type { AppDeps } from '../../core/deps.js';
import { findCitizen } from '../../storage/citizens.js';
import { createInvitation } from '../../roles/create-invitation.js';
import { revokeInvitation } from '../../roles/revoke-invitation.js';
import { listInvitations } from '../../storage/invitations-repo.js';
import { revokeRole } from '../../roles/revoke-role.js';
import { listCitizenRoles, listRoleHolders } from '../../storage/roles-repo.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { type CreatedInvitation, RevokeConfirm, roleName, RolesPage } from '../views/admin-role-views.js';
import { pageOf } from '../views/page.js';
import { adminContextOf, isProblem, noticeOf, readForm } from './admin-common.js';

const NOTICES: Record<string, MessageKey> = {
  revoked: 'admin.roles.revoked',
  'invitation-revoked': 'admin.invitation.revokedNotice',
};

/** Most role holders and invitations listed (newest invitations first). */
const LIST_LIMIT = 100;

/**
 * Roles and invitations over the functions behind `/v1/admin/roles` and
 * `/v1/admin/invitations`: list who holds which role, revoke a role (never the last admin's —
 * the page says so), invite someone with a one-time enrolment link shown once, and revoke a
 * pending invitation. Destructive actions go through a confirmation page.
 */
export function adminRoleRoutes(r: Hono<PortalEnv>, deps: AppDeps): void {
  const rolesPage = async (c: Context<PortalEnv>, created?: CreatedInvitation) => {
    const p = pageOf(c);
    const [holders, invitations] = await Promise.all([
      listRoleHolders(deps.db, { limit: LIST_LIMIT }),
      listInvitations(deps.db, { now: deps.clock.now(), limit: LIST_LIMIT }),
    ]);
    return render(c, <RolesPage p={p} holders={holders.items} invitations={invitations.items} created={created} notice={created ? undefined : noticeOf(p, c, NOTICES)} />);
  };

  /** The citizen and role of a revocation, if the citizen holds it. */
  const heldRole = async (c: Context<PortalEnv>): Promise<{ citizenId: string; role: Role; name: string }> => {
    const citizenId = c.req.param('citizenId') ?? '';
    const role = c.req.param('role') ?? '';
    if (!isUuid(citizenId) || !isRole(role)) throw new NotFoundError('role');
    const [citizen, grants] = await Promise.all([findCitizen(deps.db, citizenId), listCitizenRoles(deps.db, citizenId)]);
    if (!citizen || !grants.some((g) => g.role === role)) throw new NotFoundError('role');
    return { citizenId, role, name: citizen.displayName };
  };

  const revokeRolePage = async (c: Context<PortalEnv>, error?: string) => {
    const p = pageOf(c);
    const h = await heldRole(c);
    const names = { role: roleName(p, h.role), name: h.name };
    return render(
      c,
      <RevokeConfirm
        p={p}
        id="revoke-role-form"
        title={p.t('admin.roles.revokeTitle', names)}
        text={p.t('admin.roles.revokeText', names)}
        action={`/admin/roles/${h.citizenId}/${h.role}/revoke`}
        button={p.t('admin.roles.revokeConfirm')}
        error={error}
      />,
      error ? 409 : 200,
    );
  };

  const revokeInvitationPage = (c: Context<PortalEnv>, error?: string) => {
    const p = pageOf(c);
    const id = c.req.param('id') ?? '';
    if (!isUuid(id)) throw new NotFoundError('invitation');
    return render(
      c,
      <RevokeConfirm
        p={p}
        id="revoke-invitation-form"
        title={p.t('admin.invitation.revokeTitle')}
        text={p.t('admin.invitation.revokeText')}
        action={`/admin/invitations/${id}/revoke`}
        button={p.t('admin.invitation.revokeConfirm')}
        error={error}
      />,
      error ? 409 : 200,
    );
  };

  r.get('/admin/roles', (c) => rolesPage(c));
  // Where the page shown after creating an invitation leads when reloaded or switched to another language.
  r.get('/admin/invitations', (c) => c.redirect('/admin/roles', 303));

  r.post('/admin/invitations', async (c) => {
    const role = (await readForm(c)).one('role');
    if (!isRole(role)) return rolesPage(c);
    const { invitation, code } = await createInvitation(deps.db, role, adminContextOf(deps, c));
    return rolesPage(c, { invitation, code, url: enrolUrl(deps.config.publicUrl, code) });
  });

  r.get('/admin/roles/:citizenId/:role/revoke', (c) => revokeRolePage(c));

  r.post('/admin/roles/:citizenId/:role/revoke', async (c) => {
    const h = await heldRole(c);
    try {
      await revokeRole(deps.db, h.citizenId, h.role, adminContextOf(deps, c));
    } catch (err) {
      if (isProblem(err, 'last_admin')) return revokeRolePage(c, pageOf(c).t('admin.roles.lastAdmin'));
      throw err;
    }
    // Revoking one's own admin role ends one's access to these pages.
    const self = h.citizenId === c.get('viewer')!.citizenId && h.role === 'admin';
    return c.redirect(self ? '/' : '/admin/roles?notice=revoked', 303);
  });

  r.get('/admin/invitations/:id/revoke', (c) => revokeInvitationPage(c));

  r.post('/admin/invitations/:id/revoke', async (c) => {
    const id = c.req.param('id') ?? '';
    if (!isUuid(id)) throw new NotFoundError('invitation');
    try {
      await revokeInvitation(deps.db, id, adminContextOf(deps, c));
    } catch (err) {
      if (isProblem(err, 'conflict')) return revokeInvitationPage(c, pageOf(c).t('admin.invitation.alreadyRedeemed'));
      throw err;
    }
    return c.redirect('/admin/roles?notice=invitation-revoked', 303);
  });
}
