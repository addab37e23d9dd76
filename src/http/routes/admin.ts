import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { adminCatalogueRoutes } from './admin-catalogue.js';
import { adminRoleRoutes } from './admin-roles.js';
import { adminServiceRoutes } from './admin-services.js';
import { myRoleRoutes } from './my-roles.js';

/**
 * Everything about roles and administration: `/v1/admin/…` (services, catalogue, roles,
 * invitations; admin role required), `POST /v1/auth/enrol` (redeem an enrolment code) and
 * `GET /v1/me/roles`.
 */
export function adminRoutes(deps: AppDeps) {
  const r = newRouter();
  r.route('/', myRoleRoutes(deps));
  r.route('/', adminServiceRoutes(deps));
  r.route('/', adminCatalogueRoutes(deps));
  r.route('/', adminRoleRoutes(deps));
  return r;
}
