import type { Context } from 'hono';
import { Hono } from 'hono';
import { ConflictError, NotFoundError, PermisError } from '../../domain/errors.js';
import { eraseCitizen } from '../../erasure/erase-citizen.js';
import { removeOwnPasskey } from '../../account/remove-passkey.js';
import { renameOwnPasskey } from '../../account/rename-passkey.js';
import { revokeOwnSession } from '../../account/revoke-session.js';
import type { AppDeps } from '../../core/deps.js';
import { clearSessionCookie } from '../../web/session-cookie.js';
import { listPasskeys } from '../../storage/passkeys.js';
import { listLiveSessions } from '../../storage/sessions.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { noticeFor } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDateTime, pageOf } from '../views/page.js';
import { PasskeyForm } from '../views/passkey-form.js';

const MAX_SESSIONS_SHOWN = 50;

/** The account page: passkeys (rename, remove, add), sessions, export, erasure. `renameError` marks one passkey's name field. */
async function accountPage(c: Context<PortalEnv>, deps: AppDeps, renameError?: { passkeyId: string; key: MessageKey; value: string }) {
  const p = pageOf(c);
  const viewer = p.viewer!;
  const passkeys = await listPasskeys(deps.db, viewer.citizenId);
  const sessions = await listLiveSessions(deps.db, viewer.citizenId, deps.clock.now(), { limit: MAX_SESSIONS_SHOWN });
  const others = sessions.filter((s) => s.id !== viewer.sessionId);
  return render(
    c,
    <Layout p={p} title={p.t('account.title')} current="account" notice={noticeFor(p, c.req.query('notice'))}>
      <h1>{p.t('account.title')}</h1>
      <p class="lead">{p.t('common.signedInAs', { name: viewer.displayName })}</p>

      <section aria-labelledby="passkeys-title">
        <h2 id="passkeys-title">{p.t('account.passkeysTitle')}</h2>
        <p>{p.t('account.passkeysIntro')}</p>
        <ul class="plain" id="passkey-list">
          {passkeys.map((k, i) => {
            const err = renameError?.passkeyId === k.id ? renameError : undefined;
            return (
              <li class="card" data-passkey-id={k.id}>
                <h3>{k.name}</h3>
                <p class="muted">
                  {p.t('account.passkeyCreated', { date: formatDateTime(p, k.createdAt) })}{' '}
                  {k.lastUsedAt ? p.t('account.passkeyUsed', { date: formatDateTime(p, k.lastUsedAt) }) : p.t('account.passkeyNeverUsed')}{' '}
                  {k.backedUp ? p.t('account.passkeySynced') : null}
                </p>
                <form class="inline-fields" method="post" action={`/account/passkeys/${encodeURIComponent(k.id)}/rename`} id={`rename-passkey-${i + 1}`}>
                  <CsrfField p={p} />
                  <div>
                    <label for={`passkey-name-${i + 1}`}>{p.t('account.renameLabel')}</label>
                    {err ? (
                      <p class="field-error" id={`passkey-name-${i + 1}-error`}>
                        {p.t(err.key)}
                      </p>
                    ) : null}
                    <input
                      type="text"
                      id={`passkey-name-${i + 1}`}
                      name="name"
                      value={err ? err.value : k.name}
                      maxlength={64}
                      required
                      aria-invalid={err ? 'true' : undefined}
                      aria-describedby={err ? `passkey-name-${i + 1}-error` : undefined}
                    />
                  </div>
                  <button type="submit" class="secondary">
                    {p.t('account.rename')}
                  </button>
                </form>
                {passkeys.length > 1 ? (
                  <p>
                    <a href={`/account/passkeys/${encodeURIComponent(k.id)}/remove`} class="remove-passkey-link">
                      {p.t('account.removeLink', { name: k.name })}
                    </a>
                  </p>
                ) : (
                  <p class="hint" id="last-passkey-hint">
                    {p.t('account.onlyPasskey')}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
        <h3>{p.t('account.addTitle')}</h3>
        <PasskeyForm p={p} action="add-passkey" id="add-passkey-form" submitLabel={p.t('account.addButton')} submitClass="secondary">
          <div>
            <label for="new-passkey-name">{p.t('account.addName')}</label>
            <p class="hint" id="new-passkey-name-hint">
              {p.t('account.addNameHint')}
            </p>
            <input type="text" id="new-passkey-name" name="name" maxlength={64} aria-describedby="new-passkey-name-hint" />
          </div>
        </PasskeyForm>
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">{p.t('account.sessionsTitle')}</h2>
        <div class="table-wrap">
          <table id="session-list">
            <caption>{p.t('account.sessionsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{p.t('account.colStarted')}</th>
                <th scope="col">{p.t('account.colDevice')}</th>
                <th scope="col">{p.t('account.colExpires')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr>
                  <th scope="row">
                    {formatDateTime(p, s.createdAt)} {s.id === viewer.sessionId ? <span class="badge active">{p.t('account.thisSession')}</span> : null}
                  </th>
                  <td>{s.userAgent ?? p.t('account.unknownDevice')}</td>
                  <td>{formatDateTime(p, s.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {others.length > 0 ? (
          <form method="post" action="/account/sessions/revoke-others" id="signout-others-form">
            <CsrfField p={p} />
            <button type="submit" class="secondary">
              {p.t('account.signOutOthers', { count: others.length })}
            </button>
          </form>
        ) : (
          <p class="muted">{p.t('account.noOtherSessions')}</p>
        )}
      </section>

      <section aria-labelledby="export-title">
        <h2 id="export-title">{p.t('account.exportTitle')}</h2>
        <p>{p.t('account.exportIntro')}</p>
        <p>
          <a class="button secondary" id="export-link" href="/v1/me/export" download>
            {p.t('account.exportButton')}
          </a>
        </p>
      </section>

      <section aria-labelledby="erase-title">
        <h2 id="erase-title">{p.t('account.eraseTitle')}</h2>
        <p>{p.t('account.eraseIntro')}</p>
        <p>
          <a class="button danger" id="erase-link" href="/account/erase">
            {p.t('account.eraseLink')}
          </a>
        </p>
      </section>
    </Layout>,
    renameError ? 400 : 200,
  );
}

/** Erasure confirmation; `error` says why the last attempt was refused. */
function erasePage(c: Context<PortalEnv>, error?: MessageKey) {
  const p = pageOf(c);
  return render(
    c,
    <Layout p={p} title={p.t('erase.title')} current="account">
      <h1>{p.t('erase.title')}</h1>
      <p class="lead">{p.t('erase.lead')}</p>
      <ul>
        <li>{p.t('erase.what1')}</li>
        <li>{p.t('erase.what2')}</li>
        <li>{p.t('erase.what3')}</li>
        <li>{p.t('erase.what4')}</li>
      </ul>
      <p>
        {p.t('erase.exportFirst')} <a href="/v1/me/export">{p.t('account.exportButton')}</a>
      </p>
      {error ? (
        <div class="error-summary" role="alert" id="error-summary">
          <p>{p.t(error)}</p>
        </div>
      ) : null}
      <form class="stack" method="post" action="/account/erase" id="erase-form">
        <CsrfField p={p} />
        <div class="check">
          <input type="checkbox" id="erase-confirm" name="confirm" value="yes" required aria-invalid={error === 'erase.mustConfirm' ? 'true' : undefined} aria-describedby={error ? 'error-summary' : undefined} />
          <label for="erase-confirm">{p.t('erase.confirmLabel')}</label>
        </div>
        <div class="actions">
          <button type="submit" class="danger">
            {p.t('erase.button')}
          </button>
          <a class="button secondary" href="/account">
            {p.t('common.cancel')}
          </a>
        </div>
      </form>
    </Layout>,
    error ? 400 : 200,
  );
}

/** `/account`: passkeys, sessions, export of all my data and erasure of the account. */
export function accountPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/account', requireViewer());
  r.use('/account/*', requireViewer());

  r.get('/account', (c) => accountPage(c, deps));

  r.post('/account/passkeys/:id/rename', async (c) => {
    const viewer = c.get('viewer')!;
    const body = await c.req.parseBody();
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    const id = c.req.param('id');
    if (name.length < 1 || name.length > 64) return accountPage(c, deps, { passkeyId: id, key: 'account.renameInvalid', value: name });
    await renameOwnPasskey(deps, viewer, id, name, c.get('requestId'));
    return c.redirect('/account?notice=passkey-renamed', 303);
  });

  r.get('/account/passkeys/:id/remove', async (c) => {
    const p = pageOf(c);
    const passkeys = await listPasskeys(deps.db, p.viewer!.citizenId);
    const passkey = passkeys.find((k) => k.id === c.req.param('id'));
    if (!passkey) throw new NotFoundError('passkey');
    if (passkeys.length < 2) return c.redirect('/account?notice=last-passkey', 303);
    return render(
      c,
      <Layout p={p} title={p.t('removePasskey.title', { name: passkey.name })} current="account">
        <h1>{p.t('removePasskey.title', { name: passkey.name })}</h1>
        <p class="lead">{p.t('removePasskey.explain')}</p>
        <form class="stack" method="post" action={`/account/passkeys/${encodeURIComponent(passkey.id)}/remove`} id="remove-passkey-form">
          <CsrfField p={p} />
          <div class="actions">
            <button type="submit" class="danger">
              {p.t('removePasskey.confirm')}
            </button>
            <a class="button secondary" href="/account">
              {p.t('common.cancel')}
            </a>
          </div>
        </form>
      </Layout>,
    );
  });

  r.post('/account/passkeys/:id/remove', async (c) => {
    try {
      await removeOwnPasskey(deps, c.get('viewer')!, c.req.param('id'), c.get('requestId'));
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'last_passkey') return c.redirect('/account?notice=last-passkey', 303);
      throw err;
    }
    return c.redirect('/account?notice=passkey-removed', 303);
  });

  r.post('/account/sessions/revoke-others', async (c) => {
    const viewer = c.get('viewer')!;
    const now = deps.clock.now();
    for (;;) {
      const others = (await listLiveSessions(deps.db, viewer.citizenId, now, { limit: 100 })).filter((s) => s.id !== viewer.sessionId);
      if (others.length === 0) break;
      for (const s of others) {
        try {
          await revokeOwnSession(deps, viewer, s.id, c.get('requestId'));
        } catch (err) {
          // Revoked or expired meanwhile: already what we want.
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
    }
    return c.redirect('/account?notice=sessions-revoked', 303);
  });

  r.get('/account/erase', (c) => erasePage(c));

  r.post('/account/erase', async (c) => {
    const body = await c.req.parseBody();
    if (body.confirm !== 'yes') return erasePage(c, 'erase.mustConfirm');
    try {
      await eraseCitizen(deps, c.get('viewer')!.citizenId, { requestId: c.get('requestId') });
    } catch (err) {
      if (err instanceof PermisError && err.code === 'last_admin') return erasePage(c, 'erase.lastAdmin');
      if (err instanceof PermisError && err.code === 'erasure_incomplete') return erasePage(c, 'erase.incomplete');
      throw err;
    }
    clearSessionCookie(c);
    return c.redirect('/?notice=erased', 303);
  });

  return r;
}
