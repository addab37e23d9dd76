import { Hono } from 'hono';
import type { AppDeps } from '../../core/deps.js';
import { clearSessionCookie, sessionCookie } from '../../web/session-cookie.js';
import { revokeOwnSession } from '../../account/revoke-session.js';
import { safeNext } from '../paths.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { Layout } from '../views/layout.js';
import { pageOf } from '../views/page.js';
import { PasskeyForm, SignupForm } from '../views/passkey-form.js';

/**
 * Sign-in and sign-up pages (the passkey ceremonies run in the browser script against
 * `/v1/auth/*`), sign-out as a CSRF-protected form, and the page shown when a passkey form
 * is submitted without JavaScript.
 */
export function authPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();

  r.get('/signin', (c) => {
    const p = pageOf(c);
    const next = safeNext(c.req.query('next'));
    if (p.viewer) return c.redirect(next, 303);
    return render(
      c,
      <Layout p={p} title={p.t('signin.title')} current="signin" notice={c.req.query('notice') === 'signed-out' ? { text: p.t('signout.done') } : undefined}>
        <h1>{p.t('signin.title')}</h1>
        <p class="lead">{p.t('signin.intro')}</p>
        <PasskeyForm p={p} action="signin" id="signin-form" next={next} submitLabel={p.t('signin.button')} />
        <p>
          {p.t('signin.noAccount')} <a href={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{p.t('nav.signup')}</a>
        </p>
      </Layout>,
    );
  });

  r.get('/signup', (c) => {
    const p = pageOf(c);
    const next = safeNext(c.req.query('next'));
    if (p.viewer) return c.redirect(next, 303);
    return render(
      c,
      <Layout p={p} title={p.t('signup.title')} current="signup">
        <h1>{p.t('signup.title')}</h1>
        <p class="lead">{p.t('signup.intro')}</p>
        <SignupForm p={p} next={next} />
        <p>
          {p.t('signup.haveAccount')} <a href={`/signin${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>{p.t('nav.signin')}</a>
        </p>
      </Layout>,
    );
  });

  r.post('/signout', async (c) => {
    const viewer = c.get('viewer');
    if (viewer && sessionCookie(c)) await revokeOwnSession(deps, viewer, viewer.sessionId, c.get('requestId'));
    clearSessionCookie(c);
    return c.redirect('/signin?notice=signed-out', 303);
  });

  r.get('/passkey-needs-javascript', (c) => {
    const p = pageOf(c);
    return render(
      c,
      <Layout p={p} title={p.t('error.title')}>
        <h1>{p.t('error.title')}</h1>
        <p class="lead">{p.t('common.noscript')}</p>
        <p>
          <a class="button" href="/">
            {p.t('error.home')}
          </a>
        </p>
      </Layout>,
    );
  });

  return r;
}
