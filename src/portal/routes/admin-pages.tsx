import { Hono } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { requireViewer, requireViewerRole } from '../middleware/guards.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { AdminNav } from '../views/admin-nav.js';
import { Layout } from '../views/layout.js';
import { pageOf } from '../views/page.js';
import { adminCatalogueRoutes } from './admin-catalogue.js';
import { adminRoleRoutes } from './admin-roles.js';
import { adminServiceRoutes } from './admin-services.js';
import { adminMailPages } from './admin-mail.js';

/**
 * The administration pages under /admin, admin role only: services,
 * catalogue, roles and invitations, over the same functions as `/v1/admin/…` (which check
 * the admin role again inside their transactions and audit every change under the admin).
 */
export function adminPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  for (const path of ['/admin', '/admin/*']) r.use(path, requireViewer(), requireViewerRole('admin'));

  r.get('/admin', (c) => {
    const p = pageOf(c);
    const t = p.t;
    return render(
      c,
      <Layout p={p} title={t('admin.home.title')} current="admin">
        <AdminNav p={p} current="home" />
        <h1>{t('admin.home.title')}</h1>
        <p class="lead">{t('admin.home.intro')}</p>
        <div class="cards">
          <section class="card">
            <h2>
              <a href="/admin/services">{t('admin.nav.services')}</a>
            </h2>
            <p>{t('admin.home.services')}</p>
          </section>
          <section class="card">
            <h2>
              <a href="/admin/catalogue">{t('admin.nav.catalogue')}</a>
            </h2>
            <p>{t('admin.home.catalogue')}</p>
          </section>
          <section class="card">
            <h2>
              <a href="/admin/roles">{t('admin.nav.roles')}</a>
            </h2>
            <p>{t('admin.home.roles')}</p>
          </section>
        </div>
      </Layout>,
    );
  });

  adminServiceRoutes(r, deps);
  adminCatalogueRoutes(r, deps);
  adminRoleRoutes(r, deps);
  adminMailPages(r, deps);
  return r;
}
