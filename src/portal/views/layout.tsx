import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { portalScript, portalStyles } from '../assets/generated.js';
import { LOCALES } from '../i18n/locale.js';
import { CSRF_FIELD } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { Page } from './page.js';

const LANGUAGE_NAMES = { ca: 'Català', es: 'Español', en: 'English' } as const;

/** Navigation entries; `current` in Layout marks one with aria-current. */
export type NavKey = 'home' | 'consents' | 'accessLog' | 'notifications' | 'account' | 'officer' | 'admin' | 'signin' | 'signup';

/** A message shown at the top of the page (after an action, or an error). */
export interface Notice {
  text: string;
  kind?: 'ok' | 'error';
}

/** The hidden CSRF field every state-changing form carries (see csrf.ts). */
export function CsrfField({ p }: { p: Page }) {
  return <input type="hidden" name={CSRF_FIELD} value={p.viewer?.csrf ?? ''} />;
}

/** The language switch: links that set `?lang=` and come back to this page. */
function LanguageSwitch({ p }: { p: Page }) {
  const url = new URL(p.path, 'http://x');
  return (
    <nav class="langs" aria-label={p.t('layout.language')}>
      <ul>
        {LOCALES.map((l) => {
          url.searchParams.set('lang', l);
          return (
            <li>
              <a href={`${url.pathname}${url.search}`} lang={l} hreflang={l} aria-current={l === p.locale ? 'true' : undefined}>
                {LANGUAGE_NAMES[l]}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function NavLink({ p, href, label, name, current }: { p: Page; href: string; label: MessageKey; name: NavKey; current?: NavKey }) {
  return (
    <li>
      <a href={href} aria-current={name === current ? 'page' : undefined}>
        {p.t(label)}
      </a>
    </li>
  );
}

/**
 * The page frame: language, title, skip link, header with navigation (by the viewer's
 * roles) and language switch, a notice, the content in `<main id="main">`, and the footer.
 * The stylesheet and the passkey script are the only resources; nothing is inline.
 */
export function Layout(props: { p: Page; title: string; current?: NavKey; notice?: Notice | undefined; children?: Child }) {
  const { p, title, current, notice } = props;
  const v = p.viewer;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={p.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} — ${p.t('app.name')}`}</title>
          <link rel="stylesheet" href={`/assets/${portalStyles.file}`} />
          <script src={`/assets/${portalScript.file}`} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            {p.t('layout.skip')}
          </a>
          <header class="site-header">
            <div class="bar">
              <a class="brand" href="/">
                Perm<span>í</span>s
              </a>
              <nav aria-label={p.t('layout.nav')}>
                <ul>
                  {v ? (
                    <>
                      <NavLink p={p} href="/" label="nav.home" name="home" current={current} />
                      <NavLink p={p} href="/consents" label="nav.consents" name="consents" current={current} />
                      <NavLink p={p} href="/access-log" label="nav.accessLog" name="accessLog" current={current} />
                      <li>
                        <a href="/notifications" id="nav-notifications" aria-current={current === 'notifications' ? 'page' : undefined}>
                          {p.t('nav.notifications')}
                          {v.unread > 0 ? (
                            <>
                              {' '}
                              <span class="count-badge" id="unread-count" aria-hidden="true">
                                {v.unread}
                              </span>
                              <span class="visually-hidden">{` (${p.t('nav.unread', { count: v.unread })})`}</span>
                            </>
                          ) : null}
                        </a>
                      </li>
                      <NavLink p={p} href="/account" label="nav.account" name="account" current={current} />
                      {v.roles.includes('officer') ? <NavLink p={p} href="/officer" label="nav.officer" name="officer" current={current} /> : null}
                      {v.roles.includes('admin') ? <NavLink p={p} href="/admin" label="nav.admin" name="admin" current={current} /> : null}
                      <li>
                        <form class="inline-form" method="post" action="/signout">
                          <CsrfField p={p} />
                          <button type="submit" class="link-button">
                            {p.t('nav.signout')}
                          </button>
                        </form>
                      </li>
                    </>
                  ) : (
                    <>
                      <NavLink p={p} href="/signin" label="nav.signin" name="signin" current={current} />
                      <NavLink p={p} href="/signup" label="nav.signup" name="signup" current={current} />
                    </>
                  )}
                </ul>
              </nav>
              <LanguageSwitch p={p} />
            </div>
          </header>
          <main id="main" tabindex={-1}>
            {notice ? (
              <div class={notice.kind === 'error' ? 'notice error' : 'notice'} role={notice.kind === 'error' ? 'alert' : 'status'}>
                {notice.text}
              </div>
            ) : null}
            {props.children}
          </main>
          <footer class="site-footer">
            <div>
              <p>{p.t('layout.footer')}</p>
              <p>
                <a href="/docs">{p.t('layout.api')}</a>
              </p>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}
