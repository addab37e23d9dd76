import type { Hono } from 'hono';
import { NotFoundError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { readMailOutbox, retryMail } from '../../notifications/mail-outbox.js';
import type { MailStatus } from '../../storage/notification-mail-repo.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { AdminNav } from '../views/admin-nav.js';
import { isUuid, noticeFor } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDateTime, formatNumber, pageOf } from '../views/page.js';

const STATUSES: readonly MailStatus[] = ['pending', 'sent', 'skipped', 'dead'];
const PAGE_SIZE = 50;

/**
 * `/admin/mail`: the e-mail outbox for admins — counts by status, the mails of one status
 * (the dead letters first), each with its attempts and last error, and a retry for the dead
 * ones. Addresses are never shown. Mounted under the admin guard.
 */
export function adminMailPages(r: Hono<PortalEnv>, deps: AppDeps): void {
  r.get('/admin/mail', async (c) => {
    const p = pageOf(c);
    const asked = c.req.query('status');
    const status = (STATUSES as readonly string[]).includes(asked ?? '') ? (asked as MailStatus) : asked === 'all' ? undefined : 'dead';
    const before = c.req.query('before');
    const { rows, counts } = await readMailOutbox(deps.db, { status, before: before && isUuid(before) ? before : undefined, limit: PAGE_SIZE });
    const page = rows.slice(0, PAGE_SIZE);
    const label = (s: MailStatus) => p.t(`adminMail.status.${s}` as MessageKey);
    return render(
      c,
      <Layout p={p} title={p.t('adminMail.title')} current="admin" notice={noticeFor(p, c.req.query('notice'))}>
        <AdminNav p={p} current="mail" />
        <h1>{p.t('adminMail.title')}</h1>
        <p class="lead">{p.t('adminMail.intro')}</p>
        <table id="mail-counts">
          <caption>{p.t('adminMail.countsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{p.t('adminMail.status')}</th>
              <th scope="col">{p.t('adminMail.count')}</th>
            </tr>
          </thead>
          <tbody>
            {STATUSES.map((s) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/mail?status=${s}`}>{label(s)}</a>
                </th>
                <td data-status={s}>{formatNumber(p, counts[s])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="get" action="/admin/mail" class="filters">
          <div>
            <label for="status">{p.t('adminMail.filter')}</label>
            <select id="status" name="status">
              <option value="all" selected={status === undefined}>
                {p.t('adminMail.all')}
              </option>
              {STATUSES.map((s) => (
                <option value={s} selected={s === status}>
                  {label(s)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="secondary">
            {p.t('common.search')}
          </button>
        </form>
        {page.length === 0 ? (
          <p class="muted" id="mail-none">
            {p.t('adminMail.none')}
          </p>
        ) : (
          <div class="table-wrap">
            <table id="mail-table">
              <caption>{p.t('adminMail.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.t('adminMail.colCreated')}</th>
                  <th scope="col">{p.t('adminMail.colType')}</th>
                  <th scope="col">{p.t('adminMail.colStatus')}</th>
                  <th scope="col">{p.t('adminMail.colAttempts')}</th>
                  <th scope="col">{p.t('adminMail.colLast')}</th>
                  <th scope="col">{p.t('adminMail.colError')}</th>
                </tr>
              </thead>
              <tbody>
                {page.map((m) => (
                  <tr id={`mail-${m.id}`}>
                    <th scope="row">{formatDateTime(p, m.createdAt)}</th>
                    <td>
                      <code>{m.eventType}</code>
                    </td>
                    <td>{label(m.status)}</td>
                    <td>{m.attempts}</td>
                    <td>{m.lastAttemptAt ? formatDateTime(p, m.lastAttemptAt) : ''}</td>
                    <td>
                      {m.lastError ?? ''}
                      {m.status === 'dead' || m.status === 'skipped' ? (
                        <form method="post" action={`/admin/mail/${m.id}/retry`} class="inline-form">
                          <CsrfField p={p} />{' '}
                          <button type="submit" class="link-button">
                            {p.t('adminMail.retry')}
                          </button>
                        </form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {rows.length > PAGE_SIZE ? (
          <nav class="pager" aria-label={p.t('pager.label')}>
            <a href={`/admin/mail?${new URLSearchParams({ status: status ?? 'all', before: page[page.length - 1]!.id })}`}>{p.t('common.next')}</a>
          </nav>
        ) : null}
      </Layout>,
    );
  });

  r.post('/admin/mail/:id/retry', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('mail');
    await retryMail(deps.db, deps, c.get('viewer')!.citizenId, id, c.get('requestId'));
    return c.redirect('/admin/mail?status=pending&notice=mail-requeued', 303);
  });
}
