import type { MessageKey } from '../messages/index.js';
import type { Page } from './page.js';

/** One section link of a sub-navigation: key, address, label. */
export type SubNavItem<K extends string> = readonly [K, string, MessageKey];

/** A section navigation (console, administration): labelled, the current section marked. */
export function SubNav<K extends string>({ p, label, items, current }: { p: Page; label: MessageKey; items: readonly SubNavItem<K>[]; current: K }) {
  return (
    <nav class="subnav" aria-label={p.t(label)}>
      <ul>
        {items.map(([key, href, text]) => (
          <li>
            <a href={href} aria-current={key === current ? 'page' : undefined}>
              {p.t(text)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
