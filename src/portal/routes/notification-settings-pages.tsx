import type { Context } from 'hono';
import { Hono } from 'hono';
import { notificationTypes } from '../../domain/notifications.js';
import { PermisError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { removeEmailAddress, resendConfirmation, setEmailAddress } from '../../notifications/email-address.js';
import { readNotificationSettings, saveNotificationSettings, type NotificationSettingsView } from '../../notifications/notification-settings.js';
import { LOCALES, type Locale, asLocale } from '../i18n/locale.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { noticeFor } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDate, type Page, pageOf } from '../views/page.js';

const LANGUAGE_NAMES = { ca: 'Català', es: 'Español', en: 'English' } as const;

/** The settings page: language, the channels of each type, the e-mail address (add, confirm again, remove). */
function SettingsPage(props: { p: Page; s: NotificationSettingsView; emailError?: MessageKey | undefined; typed?: string }) {
  const { p, s } = props;
  const email = s.email;
  const emailOn = email?.status === 'confirmed';
  return (
    <Layout p={p} title={p.t('settings.title')} current="notifications" notice={noticeFor(p, new URL(p.path, 'http://x').searchParams.get('notice') ?? undefined)}>
      <h1>{p.t('settings.title')}</h1>
      <p class="lead">{p.t('settings.intro')}</p>

      <section aria-labelledby="email-title" id="email-section">
        <h2 id="email-title">{p.t('email.title')}</h2>
        <p>{p.t('email.intro')}</p>
        {!s.mailAvailable ? (
          <p class="muted" id="email-unavailable">
            {p.t('email.unavailable')}
          </p>
        ) : (
          <>
            {email ? (
              <div class="card" id="email-state" data-status={email.status}>
                <p>
                  <strong>{p.t('email.current', { address: email.address })}</strong>
                </p>
                <p>{email.status === 'confirmed' ? p.t('email.confirmed', { date: formatDate(p, email.confirmedAt!) }) : p.t('email.unconfirmed')}</p>
                <div class="actions">
                  {email.status === 'unconfirmed' ? (
                    <form method="post" action="/notifications/email/resend" class="inline-form">
                      <CsrfField p={p} />
                      <button type="submit" class="secondary">
                        {p.t('email.resend')}
                      </button>
                    </form>
                  ) : null}
                  <form method="post" action="/notifications/email/remove" class="inline-form" id="email-remove-form">
                    <CsrfField p={p} />
                    <button type="submit" class="secondary">
                      {p.t('email.remove')}
                    </button>
                  </form>
                </div>
              </div>
            ) : null}
            <form method="post" action="/notifications/email" class="stack" id="email-form" novalidate>
              <CsrfField p={p} />
              <div>
                <label for="address">{p.t('email.label')}</label>
                <p class="hint" id="address-hint">
                  {p.t('email.hint')}
                </p>
                {props.emailError ? (
                  <p class="field-error" id="address-error">
                    {p.t(props.emailError)}
                  </p>
                ) : null}
                <input
                  id="address"
                  name="address"
                  type="email"
                  autocomplete="email"
                  required
                  maxlength={254}
                  value={props.typed ?? ''}
                  aria-describedby={props.emailError ? 'address-hint address-error' : 'address-hint'}
                  aria-invalid={props.emailError ? 'true' : undefined}
                />
              </div>
              <div class="actions">
                <button type="submit" class="primary">
                  {email ? p.t('email.change') : p.t('email.add')}
                </button>
              </div>
            </form>
          </>
        )}
      </section>

      <section aria-labelledby="prefs-title">
        <h2 id="prefs-title">{p.t('settings.prefsTitle')}</h2>
        <form method="post" action="/notifications/settings" id="settings-form">
          <CsrfField p={p} />
          <div>
            <label for="language">{p.t('settings.languageLabel')}</label>
            <select id="language" name="language">
              {LOCALES.map((l) => (
                <option value={l} selected={l === s.language} lang={l}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </div>
          {!emailOn ? <p class="hint">{p.t('settings.emailNeedsAddress')}</p> : null}
          <div class="table-wrap">
            <table class="settings-table" id="prefs-table">
              <caption>{p.t('settings.prefsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.t('settings.colType')}</th>
                  <th scope="col">{p.t('settings.colInbox')}</th>
                  <th scope="col">{p.t('settings.colEmail')}</th>
                </tr>
              </thead>
              <tbody>
                {s.preferences.map((pref) => {
                  const label = p.t(`ntype.${pref.type}` as MessageKey);
                  return (
                    <tr>
                      <th scope="row" id={`type-${pref.type.replace(/\./g, '-')}`}>
                        {label}
                      </th>
                      <td>
                        <input
                          type="checkbox"
                          name={`inbox:${pref.type}`}
                          value="on"
                          checked={pref.inbox}
                          disabled={pref.locked}
                          aria-label={`${label}: ${p.t('settings.colInbox')}`}
                        />
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          name={`email:${pref.type}`}
                          value="on"
                          checked={pref.email}
                          disabled={pref.locked}
                          aria-label={`${label}: ${p.t('settings.colEmail')}`}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p class="hint">{p.t('settings.locked')}</p>
          <div class="actions">
            <button type="submit" class="primary">
              {p.t('settings.save')}
            </button>
          </div>
        </form>
      </section>
    </Layout>
  );
}

/**
 * `/notifications/settings`: the language of notifications and e-mails, which types reach the
 * inbox and e-mail (security notices locked on), and the opt-in address.
 */
export function notificationSettingsPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/notifications/settings', requireViewer());
  r.use('/notifications/email', requireViewer());
  r.use('/notifications/email/*', requireViewer());

  const view = (c: Context<PortalEnv>) => readNotificationSettings(deps.db, deps, c.get('viewer')!.citizenId, c.get('locale'));

  r.get('/notifications/settings', async (c) => render(c, <SettingsPage p={pageOf(c)} s={await view(c)} />));

  r.post('/notifications/settings', async (c) => {
    const body = await c.req.parseBody();
    const language: Locale | undefined = asLocale(typeof body.language === 'string' ? body.language : undefined);
    const preferences = notificationTypes.map((type) => ({ type, inbox: body[`inbox:${type}`] === 'on', email: body[`email:${type}`] === 'on' }));
    await deps.db.transaction((tx) => saveNotificationSettings(tx, deps, c.get('viewer')!.citizenId, { language, preferences }));
    return c.redirect('/notifications/settings?notice=settings-saved', 303);
  });

  r.post('/notifications/email', async (c) => {
    const body = await c.req.parseBody();
    const typed = typeof body.address === 'string' ? body.address : '';
    try {
      await deps.db.transaction((tx) =>
        setEmailAddress(tx, deps, c.get('viewer')!.citizenId, { address: typed, language: c.get('locale'), requestId: c.get('requestId') }),
      );
    } catch (err) {
      if (!(err instanceof PermisError) || (err.code !== 'validation_failed' && err.code !== 'rate_limited')) throw err;
      const emailError: MessageKey = err.code === 'rate_limited' ? 'email.tooMany' : 'email.invalid';
      return render(c, <SettingsPage p={pageOf(c)} s={await view(c)} emailError={emailError} typed={typed} />, 400);
    }
    return c.redirect('/notifications/settings?notice=email-added', 303);
  });

  r.post('/notifications/email/resend', async (c) => {
    try {
      await deps.db.transaction((tx) => resendConfirmation(tx, deps, c.get('viewer')!.citizenId));
    } catch (err) {
      if (!(err instanceof PermisError) || err.code !== 'rate_limited') throw err;
      return render(c, <SettingsPage p={pageOf(c)} s={await view(c)} emailError="email.tooMany" />, 400);
    }
    return c.redirect('/notifications/settings?notice=email-resent', 303);
  });

  r.post('/notifications/email/remove', async (c) => {
    await deps.db.transaction((tx) => removeEmailAddress(tx, deps, c.get('viewer')!.citizenId, c.get('requestId')));
    return c.redirect('/notifications/settings?notice=email-removed', 303);
  });

  return r;
}
