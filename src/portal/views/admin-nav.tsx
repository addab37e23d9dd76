import type { MessageKey } from '../messages/index.js';
import type { Page } from './page.js';

/** The administration's sections. */
export type AdminSection = 'home' | 'services' | 'catalogue' | 'roles';

const SECTIONS: [AdminSection, string, MessageKey][] = [
  ['home', '/admin', 'admin.nav.home'],
  ['services', '/admin/services', 'admin.nav.services'],
  ['catalogue', '/admin/catalogue', 'admin.nav.catalogue'],
  ['roles', '/admin/roles', 'admin.nav.roles'],
];

/** The administration's section links, the current one marked. */
export function AdminNav({ p, current }: { p: Page; current: AdminSection }) {
  return (
    <nav class="subnav" aria-label={p.t('admin.nav.label')}>
      <ul>
        {SECTIONS.map(([key, href, label]) => (
          <li>
            <a href={href} aria-current={key === current ? 'page' : undefined}>
              {p.t(label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
