import type { Context } from 'hono';
import { Hono } from 'hono';
import { PermisError, RuleError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { confirmEmailAddress, unsubscribeEmailAddress } from '../../notifications/email-links.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { Layout } from '../views/layout.js';
import { pageOf } from '../views/page.js';

const TOKEN = /^[A-Za-z0-9._-]{1,600}$/;

/** A page with a title, a message and, when the action is still to be done, one button. */
function LinkPage(props: { c: Context<PortalEnv>; title: MessageKey; text: MessageKey; kind?: 'ok' | 'error'; action?: { href: string; label: MessageKey; oneClick?: boolean } }) {
  const p = pageOf(props.c);
  return (
    <Layout p={p} title={p.t(props.title)}>
      <h1>{p.t(props.title)}</h1>
      {props.kind ? (
        <p class={props.kind === 'error' ? 'notice error' : 'notice'} role={props.kind === 'error' ? 'alert' : 'status'} id="link-result" data-result={props.kind}>
          {p.t(props.text)}
        </p>
      ) : (
        <p class="lead">{p.t(props.text)}</p>
      )}
      {props.action ? (
        <form method="post" action={props.action.href} id="link-form">
          {/* RFC 8058 §3.2: the same body a mail client POSTs for one-click unsubscription. */}
          {props.action.oneClick ? <input type="hidden" name="List-Unsubscribe" value="One-Click" /> : null}
          <div class="actions">
            <button type="submit" class="primary">
              {p.t(props.action.label)}
            </button>
          </div>
        </form>
      ) : null}
      <p>
        <a href={p.viewer ? '/notifications/settings' : '/'}>{p.viewer ? p.t('inbox.settingsLink') : p.t('error.home')}</a>
      </p>
    </Layout>
  );
}

const isLinkError = (err: unknown) => err instanceof PermisError && (err.code === 'link_invalid' || err.code === 'mail_unavailable');

/**
 * The pages behind the links in e-mails, usable without signing in: `/email/confirm/:token`
 * (double opt-in) and `/email/unsubscribe/:token` (RFC 8058 one-click: a POST unsubscribes,
 * whoever sends it; a GET only shows the button, so link scanners change nothing).
 */
export function emailLinkPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();

  r.get('/email/confirm/:token', (c) =>
    render(c, <LinkPage c={c} title="confirm.title" text="confirm.explain" action={{ href: `/email/confirm/${c.req.param('token')}`, label: 'confirm.button' }} />),
  );

  r.post('/email/confirm/:token', async (c) => {
    const token = c.req.param('token');
    try {
      if (!TOKEN.test(token)) throw new RuleError('link_invalid', 'This link is not valid.');
      const done = await deps.db.transaction((tx) => confirmEmailAddress(tx, deps, token, c.get('requestId')));
      return render(c, <LinkPage c={c} title="confirm.title" text={done.already ? 'confirm.already' : 'confirm.done'} kind="ok" />);
    } catch (err) {
      if (!isLinkError(err)) throw err;
      return render(c, <LinkPage c={c} title="confirm.title" text="confirm.invalid" kind="error" />, 400);
    }
  });

  r.get('/email/unsubscribe/:token', (c) =>
    render(c, <LinkPage c={c} title="unsubscribe.title" text="unsubscribe.explain" action={{ href: `/email/unsubscribe/${c.req.param('token')}`, label: 'unsubscribe.button', oneClick: true }} />),
  );

  r.post('/email/unsubscribe/:token', async (c) => {
    const token = c.req.param('token');
    try {
      if (!TOKEN.test(token)) throw new RuleError('link_invalid', 'This link is not valid.');
      await deps.db.transaction((tx) => unsubscribeEmailAddress(tx, deps, token, c.get('requestId')));
      return render(c, <LinkPage c={c} title="unsubscribe.title" text="unsubscribe.done" kind="ok" />);
    } catch (err) {
      if (!isLinkError(err)) throw err;
      return render(c, <LinkPage c={c} title="unsubscribe.title" text="unsubscribe.invalid" kind="error" />, 400);
    }
  });

  return r;
}
