import type { Child } from 'hono/jsx';
import type { Page } from './page.js';

/** What a passkey form does; the browser script (client/main.ts) runs the matching ceremony. */
export type PasskeyAction = 'signup' | 'signin' | 'approve' | 'add-passkey' | 'renew';

/**
 * A form whose submission runs a passkey ceremony in the browser. It carries every message
 * the script may show, in the page's language, as `data-msg-*` attributes; a live region
 * announces progress and errors; without JavaScript a note says why nothing happens.
 */
export function PasskeyForm(props: {
  p: Page;
  action: PasskeyAction;
  id?: string;
  next?: string;
  requestId?: string;
  consentId?: string;
  submitLabel: string;
  submitClass?: string;
  children?: Child;
}) {
  const { p, action } = props;
  const t = p.t;
  return (
    <form
      class="stack"
      method="get"
      action="/passkey-needs-javascript"
      id={props.id}
      data-passkey={action}
      data-next={props.next}
      data-request-id={props.requestId}
      data-consent-id={props.consentId}
      data-lang={p.locale}
      data-msg-working={t('passkey.working')}
      data-msg-cancelled={t('passkey.cancelled')}
      data-msg-network={t('passkey.network')}
      data-msg-unsupported={t('passkey.unsupported')}
      data-msg-failed={t('passkey.failed')}
      data-msg-unknown={t('passkey.unknown')}
      data-msg-exists={t('passkey.exists')}
      data-msg-expired={action === 'approve' ? t('error.request_expired') : t('passkey.expired')}
      data-msg-not-pending={action === 'renew' ? t('renew.notLive') : t('error.request_not_pending')}
      data-msg-notice-changed={t('error.notice_changed')}
      data-msg-suspended={t('error.service_suspended')}
      data-msg-invalid={action === 'signup' ? t('passkey.displayNameRequired') : t('error.validation_failed')}
      data-msg-signed-out={t('error.unauthenticated')}
    >
      {props.children}
      <div class="status-box" data-passkey-status tabindex={-1} role="status" aria-live="polite"></div>
      <noscript>
        <p class="notice error">{t('common.noscript')}</p>
      </noscript>
      <div class="actions">
        <button type="submit" class={props.submitClass ?? 'primary'}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The sign-up form: the one thing asked, a name the person will recognise, and a passkey. */
export function SignupForm({ p, next, submitClass }: { p: Page; next: string; submitClass?: string }) {
  return (
    <PasskeyForm p={p} action="signup" id="signup-form" next={next} submitLabel={p.t('signup.button')} submitClass={submitClass}>
      <div>
        <label for="displayName">{p.t('signup.displayName')}</label>
        <p class="hint" id="displayName-hint">
          {p.t('signup.displayNameHint')}
        </p>
        <input id="displayName" name="displayName" type="text" required minlength={1} maxlength={100} autocomplete="nickname" aria-describedby="displayName-hint" />
      </div>
    </PasskeyForm>
  );
}
