import type { Context } from 'hono';
import { Hono } from 'hono';
import { PermisError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { redeemInvitation } from '../../roles/redeem-invitation.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { CsrfField, Layout } from '../views/layout.js';
import { pageOf } from '../views/page.js';
import { PasskeyForm, SignupForm } from '../views/passkey-form.js';

/** The enrolment form; `error` is tied to the code field. */
function enrolPage(c: Context<PortalEnv>, error?: MessageKey) {
  const p = pageOf(c);
  if (!p.viewer) {
    // Signed out: sign in (or up) right here, so the code in the address fragment (#code=…),
    // which never reaches the server, is still there afterwards (the script keeps it).
    return render(
      c,
      <Layout p={p} title={p.t('enrol.title')}>
        <h1>{p.t('enrol.title')}</h1>
        <p class="lead">{p.t('enrol.signInFirst')}</p>
        <h2>{p.t('enrol.haveAccount')}</h2>
        <PasskeyForm p={p} action="signin" id="signin-form" next="/enrol" submitLabel={p.t('signin.button')} />
        <h2>{p.t('enrol.newAccount')}</h2>
        <SignupForm p={p} next="/enrol" submitClass="secondary" />
      </Layout>,
    );
  }
  return render(
    c,
    <Layout p={p} title={p.t('enrol.title')}>
      <h1>{p.t('enrol.title')}</h1>
      <p class="lead">{p.t('enrol.intro')}</p>
      <form class="stack" method="post" action="/enrol" id="enrol-form">
        <CsrfField p={p} />
        <div>
          <label for="code">{p.t('enrol.codeLabel')}</label>
          <p class="hint" id="code-hint">
            {p.t('enrol.codeHint')}
          </p>
          {error ? (
            <p class="field-error" id="code-error">
              {p.t(error)}
            </p>
          ) : null}
          <input
            type="text"
            id="code"
            name="code"
            required
            autocomplete="off"
            spellcheck={false}
            data-from-fragment="code"
            aria-describedby={error ? 'code-hint code-error' : 'code-hint'}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {p.t('enrol.button')}
          </button>
        </div>
      </form>
    </Layout>,
    error ? 400 : 200,
  );
}

/** `/enrol`: a signed-in person redeems an officer or admin enrolment code (from `/enrol#code=…`). */
export function enrolPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();

  r.get('/enrol', (c) => enrolPage(c));

  r.post('/enrol', requireViewer(), async (c) => {
    const body = await c.req.parseBody();
    const code = typeof body.code === 'string' ? body.code.trim() : '';
    if (!code) return enrolPage(c, 'enrol.codeMissing');
    try {
      const { role } = await redeemInvitation(deps.db, code, c.get('viewer')!.citizenId, { clock: deps.clock, random: deps.random, requestId: c.get('requestId') });
      return c.redirect(`/?notice=enrolled-${role}`, 303);
    } catch (err) {
      if (err instanceof PermisError && err.code === 'enrolment_code_invalid') return enrolPage(c, 'enrol.codeInvalid');
      if (err instanceof PermisError && err.code === 'conflict') return enrolPage(c, 'enrol.alreadyHeld');
      throw err;
    }
  });

  return r;
}
