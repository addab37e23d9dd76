import type { Context } from 'hono';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { Layout, type Notice } from '../views/layout.js';
import { pageOf } from '../views/page.js';

/** The front page for someone not signed in: what Permís is, how it works, where to start. */
export function landingPage(c: Context<PortalEnv>, notice?: Notice): Promise<Response> {
  const p = pageOf(c);
  return render(
    c,
    <Layout p={p} title={p.t('landing.title')} current="home" notice={notice}>
      <h1>{p.t('landing.title')}</h1>
      <p class="lead">{p.t('landing.what')}</p>
      <div class="actions">
        <a class="button" href="/signup">
          {p.t('nav.signup')}
        </a>
        <a class="button secondary" href="/signin">
          {p.t('nav.signin')}
        </a>
      </div>
      <h2>{p.t('landing.howTitle')}</h2>
      <ol>
        <li>{p.t('landing.how1')}</li>
        <li>{p.t('landing.how2')}</li>
        <li>{p.t('landing.how3')}</li>
      </ol>
    </Layout>,
  );
}
