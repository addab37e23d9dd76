import type { Page } from './page.js';
import { SubNav, type SubNavItem } from './sub-nav.js';

/** The administration's sections. */
export type AdminSection = 'home' | 'services' | 'catalogue' | 'roles' | 'mail';

const SECTIONS: SubNavItem<AdminSection>[] = [
  ['home', '/admin', 'admin.nav.home'],
  ['services', '/admin/services', 'admin.nav.services'],
  ['catalogue', '/admin/catalogue', 'admin.nav.catalogue'],
  ['roles', '/admin/roles', 'admin.nav.roles'],
  ['mail', '/admin/mail', 'adminMail.nav'],
];

/** The administration's section links, the current one marked. */
export function AdminNav({ p, current }: { p: Page; current: AdminSection }) {
  return <SubNav p={p} label="admin.nav.label" items={SECTIONS} current={current} />;
}
