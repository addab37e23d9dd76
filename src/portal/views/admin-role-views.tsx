import type { Role } from '../../domain/roles.js';
import type { Invitation } from '../../storage/invitations-repo.js';
import type { RoleHolder } from '../../storage/roles-repo.js';
import type { MessageKey } from '../messages/index.js';
import { SelectField } from './admin-fields.js';
import { AdminNav } from './admin-nav.js';
import { CsrfField, Layout, type Notice } from './layout.js';
import { formatDateTime, type Page } from './page.js';

const ROLE_NAMES: Record<Role, MessageKey> = { admin: 'admin.role.admin', officer: 'admin.role.officer' };
const STATUS_NAMES: Record<Invitation['status'], MessageKey> = {
  pending: 'admin.invitation.pending',
  redeemed: 'admin.invitation.redeemed',
  expired: 'admin.invitation.expired',
  revoked: 'admin.invitation.revoked',
};
const STATUS_BADGE: Record<Invitation['status'], string> = { pending: 'pending', redeemed: 'approved', expired: 'expired', revoked: 'revoked' };

/** The role's name in the page's language. */
export const roleName = (p: Page, role: Role): string => p.t(ROLE_NAMES[role]);

/** A new invitation's one-time link, shown only on the page that created it. */
export interface CreatedInvitation {
  invitation: Invitation;
  code: string;
  url: string;
}

/**
 * `/admin/roles`: who holds which role (revoke behind a confirmation), invitations with their
 * status (revoke a pending one behind a confirmation), and the form to invite someone. Right
 * after an invitation is created the page shows its enrolment link, once.
 */
export function RolesPage(props: { p: Page; holders: RoleHolder[]; invitations: Invitation[]; created?: CreatedInvitation | undefined; notice?: Notice | undefined }) {
  const { p, created } = props;
  const t = p.t;
  return (
    <Layout p={p} title={t('admin.roles.title')} current="admin" notice={props.notice}>
      <AdminNav p={p} current="roles" />
      <h1>{t('admin.roles.title')}</h1>
      {created ? (
        <section class="card" id="invitation-created" aria-labelledby="invitation-created-title">
          <h2 id="invitation-created-title">{t('admin.invitation.createdTitle', { role: roleName(p, created.invitation.role) })}</h2>
          <p>{t('admin.invitation.createdText', { expires: formatDateTime(p, created.invitation.expiresAt) })}</p>
          <p>
            <a id="enrol-link" href={created.url}>
              {created.url}
            </a>
          </p>
          <p>
            {t('admin.invitation.code')} <code id="enrol-code">{created.code}</code>
          </p>
          <p class="hint">{t('admin.invitation.once')}</p>
        </section>
      ) : null}
      <h2>{t('admin.roles.holders')}</h2>
      <div class="table-wrap">
        <table id="role-holders">
          <caption>{t('admin.roles.holdersCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.roles.person')}</th>
              <th scope="col">{t('admin.roles.role')}</th>
              <th scope="col">{t('admin.roles.since')}</th>
              <th scope="col">{t('admin.roles.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.holders.flatMap((h) =>
              h.roles.map((g) => (
                <tr data-citizen-id={h.citizenId} data-role={g.role}>
                  <th scope="row">
                    {h.displayName}
                    <br />
                    <code class="id">{h.citizenId}</code>
                  </th>
                  <td>{roleName(p, g.role)}</td>
                  <td>{formatDateTime(p, g.grantedAt)}</td>
                  <td>
                    <a href={`/admin/roles/${h.citizenId}/${g.role}/revoke`}>{t('admin.roles.revokeLink', { role: roleName(p, g.role), name: h.displayName })}</a>
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <h2>{t('admin.invitation.title')}</h2>
      <p>{t('admin.invitation.intro')}</p>
      <form id="invitation-form" class="stack" method="post" action="/admin/invitations">
        <CsrfField p={p} />
        <SelectField name="role" label={t('admin.invitation.role')} value="officer" options={(['officer', 'admin'] as const).map((r) => ({ value: r, label: roleName(p, r) }))} />
        <div class="actions">
          <button type="submit" class="primary">
            {t('admin.invitation.create')}
          </button>
        </div>
      </form>
      {props.invitations.length === 0 ? (
        <p>{t('admin.invitation.none')}</p>
      ) : (
        <div class="table-wrap">
          <table id="invitations">
            <caption>{t('admin.invitation.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.roles.role')}</th>
                <th scope="col">{t('admin.invitation.status')}</th>
                <th scope="col">{t('admin.invitation.createdAt')}</th>
                <th scope="col">{t('admin.invitation.expiresAt')}</th>
                <th scope="col">{t('admin.roles.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.invitations.map((i) => (
                <tr data-invitation-id={i.id}>
                  <th scope="row">{roleName(p, i.role)}</th>
                  <td>
                    <span class={`badge ${STATUS_BADGE[i.status]}`}>{t(STATUS_NAMES[i.status])}</span>
                  </td>
                  <td>{formatDateTime(p, i.createdAt)}</td>
                  <td>{formatDateTime(p, i.expiresAt)}</td>
                  <td>
                    {i.status === 'pending' ? (
                      <a href={`/admin/invitations/${i.id}/revoke`}>{t('admin.invitation.revokeLink', { role: roleName(p, i.role), date: formatDateTime(p, i.createdAt) })}</a>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** A confirmation step before revoking a role or an invitation; `error` when it was refused. */
export function RevokeConfirm(props: { p: Page; id: string; title: string; text: string; action: string; button: string; error?: string | undefined }) {
  const { p } = props;
  return (
    <Layout p={p} title={props.title} current="admin" notice={props.error ? { kind: 'error', text: props.error } : undefined}>
      <AdminNav p={p} current="roles" />
      <h1>{props.title}</h1>
      <p class="lead">{props.text}</p>
      <form id={props.id} method="post" action={props.action}>
        <CsrfField p={p} />
        <div class="actions">
          <button type="submit" class="danger">
            {props.button}
          </button>
          <a href="/admin/roles">{p.t('common.cancel')}</a>
        </div>
      </form>
    </Layout>
  );
}
