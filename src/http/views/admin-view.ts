/** JSON views of what the admin API returns (timestamps as RFC 3339 strings). */
import type { CatalogueTerm } from '../../domain/catalogue.js';
import type { Service } from '../../domain/service.js';
import type { Invitation } from '../../storage/invitations-repo.js';
import type { RoleGrant, RoleHolder } from '../../storage/roles-repo.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The admin view of a service: every field, with timestamps. */
export const adminServiceView = (s: Service) => ({
  id: s.id,
  clientId: s.clientId,
  name: s.name,
  description: s.description,
  controller: s.controller,
  purposes: s.purposes,
  categories: s.categories,
  processing: s.processing,
  jwks: s.jwks as unknown as { keys: Record<string, unknown>[] },
  status: s.status,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

/** The admin view of a catalogue term (all three languages). */
export const adminTermView = (t: CatalogueTerm) => ({ ...t });

/** A role grant. */
export const roleGrantView = (g: RoleGrant) => ({ role: g.role, grantedAt: g.grantedAt.toISOString(), grantedBy: g.grantedBy });

/** An account with its roles. */
export const roleHolderView = (h: RoleHolder) => ({ citizenId: h.citizenId, displayName: h.displayName, roles: h.roles.map(roleGrantView) });

/** An invitation, never its code. */
export const invitationView = (i: Invitation) => ({
  id: i.id,
  role: i.role,
  status: i.status,
  createdAt: i.createdAt.toISOString(),
  createdBy: i.createdBy,
  expiresAt: i.expiresAt.toISOString(),
  redeemedAt: iso(i.redeemedAt),
  redeemedBy: i.redeemedBy,
  revokedAt: iso(i.revokedAt),
});
