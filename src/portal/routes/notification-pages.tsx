import { Hono } from 'hono';
import { NotFoundError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { markAllNotificationsRead, markNotificationRead, readInbox } from '../../notifications/inbox.js';
import { notificationTarget } from '../../notifications/notification-target.js';
import { getService } from '../../storage/services-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { isUuid, loadServices, noticeFor } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { notificationText } from '../views/notification-text.js';
import { formatDateTime, pageOf } from '../views/page.js';

const PAGE_SIZE = 25;

/** The inbox: `/notifications` (newest first, unread only on request), mark one or all read. */
export function notificationPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/notifications', requireViewer());
  r.use('/notifications/*', requireViewer());

  r.get('/notifications', async (c) => {
    const p = pageOf(c);
    const viewer = p.viewer!;
    const unreadOnly = c.req.query('show') === 'unread';
    const before = c.req.query('before');
    const { rows, unread } = await readInbox(deps.db, viewer.citizenId, { unreadOnly, before: before && isUuid(before) ? before : undefined, limit: PAGE_SIZE });
    const page = rows.slice(0, PAGE_SIZE);
    const services = await loadServices(
      deps.db,
      page.map((n) => (typeof n.data.serviceId === 'string' ? n.data.serviceId : '')).filter(isUuid),
      getService,
    );
    const more = rows.length > PAGE_SIZE ? `/notifications?${new URLSearchParams({ ...(unreadOnly ? { show: 'unread' } : {}), before: page[page.length - 1]!.id })}` : undefined;
    return render(
      c,
      <Layout p={p} title={p.t('inbox.title')} current="notifications" notice={noticeFor(p, c.req.query('notice'))}>
        <h1>{p.t('inbox.title')}</h1>
        <p class="lead">{p.t('inbox.intro')}</p>
        <p id="inbox-unread" data-unread={unread}>
          {unread > 0 ? p.t('inbox.unreadCount', { count: unread }) : p.t('inbox.allRead')}
        </p>
        <div class="actions">
          {unread > 0 ? (
            <form method="post" action="/notifications/read-all" class="inline-form" id="read-all-form">
              <CsrfField p={p} />
              <button type="submit" class="secondary">
                {p.t('inbox.markAllRead')}
              </button>
            </form>
          ) : null}
          <a href={unreadOnly ? '/notifications' : '/notifications?show=unread'}>{unreadOnly ? p.t('inbox.showAll') : p.t('inbox.showUnread')}</a>
          <a href="/notifications/settings" id="settings-link">
            {p.t('inbox.settingsLink')}
          </a>
        </div>
        {page.length === 0 ? (
          <p class="muted" id="inbox-empty">
            {p.t('inbox.empty')}
          </p>
        ) : (
          <ol class="inbox" id="inbox" aria-label={p.t('inbox.caption')}>
            {page.map((n) => {
              const service = typeof n.data.serviceId === 'string' ? services.get(n.data.serviceId) : undefined;
              const words = notificationText(p.t, p.locale, p.timeZone, n, service?.name);
              return (
                <li class={n.readAt ? 'read' : 'unread'} id={`notification-${n.id}`} data-type={n.type}>
                  <h2>
                    {n.readAt ? null : <span class="badge pending">{p.t('inbox.new')}</span>} {words.title}
                  </h2>
                  <p>{words.body}</p>
                  <p class="hint">{p.t('inbox.received', { date: formatDateTime(p, n.createdAt) })}</p>
                  <div class="actions">
                    <a class="button secondary" href={notificationTarget(n)}>
                      {words.action}
                    </a>
                    {n.readAt ? null : (
                      <form method="post" action={`/notifications/${n.id}/read`} class="inline-form">
                        <CsrfField p={p} />
                        <button type="submit" class="link-button">
                          {p.t('inbox.markRead')}
                        </button>
                      </form>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
        <nav class="pager" aria-label={p.t('pager.label')}>
          {before ? <a href={unreadOnly ? '/notifications?show=unread' : '/notifications'}>{p.t('pager.first')}</a> : null}
          {more ? <a href={more}>{p.t('common.next')}</a> : null}
        </nav>
      </Layout>,
    );
  });

  r.post('/notifications/read-all', async (c) => {
    await markAllNotificationsRead(deps.db, deps, c.get('viewer')!.citizenId);
    return c.redirect('/notifications?notice=all-read', 303);
  });

  r.post('/notifications/:id/read', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('notification');
    await markNotificationRead(deps.db, deps, c.get('viewer')!.citizenId, id);
    return c.redirect('/notifications?notice=marked-read', 303);
  });

  return r;
}
