/**
 * The portal's only script: the passkey ceremonies (WebAuthn L3 §5.1.3 create, §5.1.4 get)
 * through @simplewebauthn/browser, talking to the JSON API on the same origin. Everything
 * else in the portal works without JavaScript. Forms opt in with `data-passkey="<action>"`;
 * the messages shown come from the form's `data-msg-*` attributes, already in the page's
 * language, so this script holds no words of its own.
 */
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

type Action = 'signup' | 'signin' | 'approve' | 'add-passkey' | 'renew';

/** A problem answer from the API (RFC 9457), or a network failure (status 0). */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(code ?? `HTTP ${status}`);
  }
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiFailure(0, 'network');
  }
  const data = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!res.ok) throw new ApiFailure(res.status, typeof data?.code === 'string' ? data.code : undefined);
  return data ?? {};
}

/** Only same-origin paths are followed after a ceremony (no open redirect). */
function safeNext(value: string | undefined, fallback: string): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;
}

/** The message key for a failure, read from `data-msg-<key>` on the form. */
function messageKey(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.status === 0) return 'network';
    switch (err.code) {
      case 'passkey_unknown':
        return 'unknown';
      case 'challenge_invalid':
      case 'request_expired':
      case 'conflict':
        return 'expired';
      case 'request_not_pending':
      case 'illegal_transition':
        return 'not-pending';
      case 'notice_changed':
        return 'notice-changed';
      case 'service_suspended':
        return 'suspended';
      case 'validation_failed':
        return 'invalid';
      case 'unauthenticated':
        return 'signed-out';
      default:
        return 'failed';
    }
  }
  if (err instanceof Error) {
    // @simplewebauthn/browser maps the DOMExceptions: NotAllowedError is a cancelled or timed-out prompt.
    const name = (err as { cause?: { name?: string } }).cause?.name ?? err.name;
    if (name === 'NotAllowedError' || name === 'AbortError') return 'cancelled';
    const code = (err as { code?: string }).code;
    if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') return 'exists';
    if (err instanceof TypeError) return 'network';
  }
  return 'failed';
}

async function run(action: Action, form: HTMLFormElement): Promise<string> {
  const d = form.dataset;
  switch (action) {
    case 'signup': {
      const displayName = String(new FormData(form).get('displayName') ?? '').trim();
      const { ceremonyId, options } = await post('/v1/auth/signup/options', { displayName });
      const response = await startRegistration({ optionsJSON: options as never });
      await post('/v1/auth/signup/verify', { ceremonyId, response });
      return safeNext(d.next, '/');
    }
    case 'signin': {
      const { ceremonyId, options } = await post('/v1/auth/signin/options', {});
      const response = await startAuthentication({ optionsJSON: options as never });
      await post('/v1/auth/signin/verify', { ceremonyId, response });
      return safeNext(d.next, '/');
    }
    case 'approve': {
      const id = encodeURIComponent(d.requestId ?? '');
      const { ceremonyId, options } = await post(`/v1/me/requests/${id}/approval`, d.lang ? { language: d.lang } : {});
      const response = await startAuthentication({ optionsJSON: options as never });
      const result = await post(`/v1/me/requests/${id}/approve`, { ceremonyId, response });
      const consentId = (result.consent as { id?: string } | undefined)?.id;
      return safeNext(consentId ? `/consents/${encodeURIComponent(consentId)}?notice=approved` : d.next, '/');
    }
    case 'renew': {
      const id = encodeURIComponent(d.consentId ?? '');
      const { ceremonyId, options } = await post(`/v1/me/consents/${id}/renewal`, {});
      const response = await startAuthentication({ optionsJSON: options as never });
      await post(`/v1/me/consents/${id}/renew`, { ceremonyId, response });
      return safeNext(`/consents/${id}?notice=renewed`, '/');
    }
    case 'add-passkey': {
      const name = String(new FormData(form).get('name') ?? '').trim();
      const { ceremonyId, options } = await post('/v1/me/passkeys/options', {});
      const response = await startRegistration({ optionsJSON: options as never });
      await post('/v1/me/passkeys', name ? { ceremonyId, response, name } : { ceremonyId, response });
      return safeNext(d.next, '/account?notice=passkey-added');
    }
  }
}

/**
 * `next` with this page's fragment when it leads back to this same page (e.g. signing in on
 * /enrol#code=…): the fragment never reaches the server, so only the script can carry it.
 */
function keepFragment(next: string): string {
  const here = window.location;
  if (!here.hash || next.includes('#')) return next;
  const target = new URL(next, here.href);
  return target.origin === here.origin && target.pathname === here.pathname ? `${next}${here.hash}` : next;
}

/** Navigates to `next`; to this very address (fragment and all) that means a reload, which assign() would not do. */
function go(next: string): void {
  if (new URL(next, window.location.href).href === window.location.href) window.location.reload();
  else window.location.assign(next);
}

function show(form: HTMLFormElement, text: string, kind: 'status' | 'error'): void {
  const box = form.querySelector<HTMLElement>('[data-passkey-status]');
  if (!box) return;
  box.textContent = text;
  box.hidden = text === '';
  box.classList.toggle('error', kind === 'error');
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  if (kind === 'error') box.focus();
}

function wire(form: HTMLFormElement): void {
  const action = form.dataset.passkey as Action;
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"], button:not([type])');
  if (submit) submit.disabled = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    if (!browserSupportsWebAuthn()) {
      show(form, form.dataset.msgUnsupported ?? '', 'error');
      return;
    }
    if (!form.reportValidity()) return;
    form.setAttribute('aria-busy', 'true');
    if (submit) submit.disabled = true;
    show(form, form.dataset.msgWorking ?? '', 'status');
    run(action, form)
      .then((next) => go(keepFragment(next)))
      .catch((err: unknown) => {
        const key = messageKey(err);
        const attr = `msg${key.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase())}`;
        show(form, form.dataset[attr] ?? form.dataset.msgFailed ?? '', 'error');
      })
      .finally(() => {
        form.removeAttribute('aria-busy');
        if (submit) submit.disabled = false;
      });
  });
}

document.querySelectorAll<HTMLFormElement>('form[data-passkey]').forEach(wire);
// Links that prefill a form from the URL fragment (e.g. /enrol#code=…): the fragment never reaches the server logs.
document.querySelectorAll<HTMLInputElement>('input[data-from-fragment]').forEach((input) => {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const value = params.get(input.dataset.fromFragment ?? '');
  if (value && !input.value) input.value = value;
});
