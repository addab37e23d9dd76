import type { MessageKey } from '../messages/index.js';
import type { Page } from './page.js';

/** The console's sections. */
export type OfficerSection = 'events' | 'stats' | 'log';

const SECTIONS: [OfficerSection, string, MessageKey][] = [
  ['events', '/officer', 'officer.nav.events'],
  ['stats', '/officer/stats', 'officer.nav.stats'],
  ['log', '/officer/log', 'officer.nav.log'],
];

/** The officer console's section links, the current one marked. */
export function OfficerNav({ p, current }: { p: Page; current: OfficerSection }) {
  return (
    <nav class="subnav" aria-label={p.t('officer.nav.label')}>
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
