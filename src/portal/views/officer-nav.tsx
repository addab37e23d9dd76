import type { Page } from './page.js';
import { SubNav, type SubNavItem } from './sub-nav.js';

/** The console's sections. */
export type OfficerSection = 'events' | 'stats' | 'log';

const SECTIONS: SubNavItem<OfficerSection>[] = [
  ['events', '/officer', 'officer.nav.events'],
  ['stats', '/officer/stats', 'officer.nav.stats'],
  ['log', '/officer/log', 'officer.nav.log'],
];

/** The officer console's section links, the current one marked. */
export function OfficerNav({ p, current }: { p: Page; current: OfficerSection }) {
  return <SubNav p={p} label="officer.nav.label" items={SECTIONS} current={current} />;
}
