import type { Context } from 'hono';
import { Hono } from 'hono';
import { citizenRequest, effectiveRequestStatus, rejectRequest } from '../../consent/decide-request.js';
import { pickLanguage } from '../../consent/request-terms.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Service } from '../../domain/service.js';
import type { AppDeps } from '../../core/deps.js';
import { findRequest, type RequestRow } from '../../storage/requests-repo.js';
import { getService } from '../../storage/services-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { isUuid, loadTermIndex, noticeFor, type TermIndex, TermList } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDate, formatDateTime, type Page, pageOf } from '../views/page.js';
import { PasskeyForm } from '../views/passkey-form.js';

const LANGUAGE_NAMES = { ca: 'català', es: 'español', en: 'English' } as const;

/**
 * The request a page may show: for a signed-in citizen, exactly the API's rule
 * (`citizenRequest`: not bound to, or decided by, someone else); signed out, anyone holding
 * the link may read what is asked before signing in.
 */
async function visibleRequest(c: Context<PortalEnv>, deps: AppDeps, id: string): Promise<RequestRow> {
  if (!isUuid(id)) throw new NotFoundError('request');
  const viewer = c.get('viewer');
  if (viewer) return citizenRequest(deps.db, viewer.citizenId, id);
  const row = await findRequest(deps.db, id);
  if (!row) throw new NotFoundError('request');
  return row;
}

/** How to reach the data protection officer: an e-mail address or a web address. */
function DpoContact({ contact }: { contact: string }) {
  const href = contact.includes('@') && !contact.startsWith('http') ? `mailto:${contact}` : contact;
  return <a href={href}>{contact}</a>;
}

/** Who asks, which data, for what, how and until when — the terms of a request in plain words. */
function RequestTerms({ p, row, service, terms, now }: { p: Page; row: RequestRow; service: Service; terms: TermIndex; now: Date }) {
  const noticeLang = pickLanguage(row, p.locale);
  const until = new Date(now.getTime() + row.duration_days * 86_400_000);
  return (
    <>
      <section aria-labelledby="who-title">
        <h2 id="who-title">{p.t('request.whoTitle')}</h2>
        <dl class="facts">
          <dt>{p.t('request.service')}</dt>
          <dd>
            <strong id="request-service">{service.name[p.locale]}</strong>
            <br />
            {service.description[p.locale]}
          </dd>
          <dt>{p.t('request.controller')}</dt>
          <dd id="request-controller">{service.controller.name}</dd>
          <dt>{p.t('request.dpo')}</dt>
          <dd>
            <DpoContact contact={service.controller.dpoContact} />
          </dd>
          <dt>{p.t('request.policy')}</dt>
          <dd>
            <a href={service.controller.policyUrl}>{p.t('request.policyLink', { controller: service.controller.name })}</a>
          </dd>
        </dl>
      </section>
      <section aria-labelledby="data-title">
        <h2 id="data-title">{p.t('request.dataTitle')}</h2>
        <TermList p={p} terms={terms} kind="category" codes={row.categories} />
      </section>
      <section aria-labelledby="purposes-title">
        <h2 id="purposes-title">{p.t('request.purposesTitle')}</h2>
        <TermList p={p} terms={terms} kind="purpose" codes={row.purposes} />
      </section>
      <section aria-labelledby="processing-title">
        <h2 id="processing-title">{p.t('request.processingTitle')}</h2>
        <TermList p={p} terms={terms} kind="processing" codes={row.processing} />
      </section>
      <section aria-labelledby="until-title">
        <h2 id="until-title">{p.t('request.untilTitle')}</h2>
        <p id="request-until">{p.t('request.until', { days: row.duration_days, date: formatDate(p, until) })}</p>
        <p>{p.t('request.anytime')}</p>
      </section>
      <section aria-labelledby="notice-title">
        <h2 id="notice-title">{p.t('request.noticeTitle')}</h2>
        {noticeLang !== p.locale ? <p class="hint">{p.t('request.noticeOtherLanguage', { language: LANGUAGE_NAMES[noticeLang] })}</p> : null}
        <blockquote id="request-notice" lang={noticeLang}>
          {row.notice.texts[noticeLang]}
        </blockquote>
      </section>
    </>
  );
}

/** What a person can do with a request in its current state: answer it, sign in first, or read why not. */
function RequestAnswer({ p, row, status, service }: { p: Page; row: RequestRow; status: RequestRow['status']; service: Service }) {
  const here = `/requests/${row.id}`;
  const mine = p.viewer !== undefined && row.citizen_id === p.viewer.citizenId;
  const back = row.return_url && mine ? (
    <a class="button secondary" href={row.return_url}>
      {p.t('request.backToService', { service: service.name[p.locale] })}
    </a>
  ) : null;
  if (status === 'pending' && !p.viewer) {
    return (
      <section aria-labelledby="answer-title" id="request-signin">
        <h2 id="answer-title">{p.t('request.answerTitle')}</h2>
        <p>{p.t('request.signInToAnswer', { date: formatDateTime(p, row.expires_at) })}</p>
        <div class="actions">
          <a class="button" id="request-signin-link" href={`/signin?next=${encodeURIComponent(here)}`}>
            {p.t('request.signIn')}
          </a>
          <a class="button secondary" id="request-signup-link" href={`/signup?next=${encodeURIComponent(here)}`}>
            {p.t('request.signUp')}
          </a>
        </div>
      </section>
    );
  }
  if (status === 'pending' && service.status !== 'active') {
    return (
      <section aria-labelledby="answer-title" id="request-state" data-status="service-suspended">
        <h2 id="answer-title">{p.t('request.answerTitle')}</h2>
        <p class="notice error">{p.t('request.serviceSuspended', { service: service.name[p.locale] })}</p>
        <div class="actions">
          <a class="button" href="/">
            {p.t('error.home')}
          </a>
        </div>
      </section>
    );
  }
  if (status === 'pending') {
    return (
      <section aria-labelledby="answer-title">
        <h2 id="answer-title">{p.t('request.answerTitle')}</h2>
        <p>{p.t('request.answerBy', { date: formatDateTime(p, row.expires_at) })}</p>
        <p>{p.t('request.approveExplain')}</p>
        <PasskeyForm p={p} action="approve" id="approve-form" requestId={row.id} next={here} submitLabel={p.t('request.approve')} />
        <p>
          <a id="reject-link" href={`${here}/reject`}>
            {p.t('request.rejectLink')}
          </a>
        </p>
      </section>
    );
  }
  const decided = row.decided_at ? formatDate(p, row.decided_at) : '';
  const text =
    status === 'approved'
      ? mine
        ? p.t('request.stateApprovedMine', { date: decided })
        : p.t('request.stateAnswered')
      : status === 'rejected'
        ? mine
          ? p.t('request.stateRejectedMine', { date: decided })
          : p.t('request.stateAnswered')
        : status === 'expired'
          ? p.t('request.stateExpired', { date: formatDate(p, row.expires_at) })
          : p.t('request.stateCancelled');
  return (
    <section aria-labelledby="answer-title" id="request-state" data-status={status}>
      <h2 id="answer-title">{p.t('request.stateTitle')}</h2>
      <p class={status === 'approved' ? 'notice' : 'notice error'}>{text}</p>
      <div class="actions">
        {status === 'approved' && mine && row.consent_id ? (
          <a class="button" href={`/consents/${row.consent_id}`}>
            {p.t('request.seeConsent')}
          </a>
        ) : null}
        {back}
        <a class={status === 'approved' && mine ? 'button secondary' : 'button'} href="/">
          {p.t('error.home')}
        </a>
      </div>
    </section>
  );
}

/**
 * The page behind a request's `approvalUrl` (`/requests/:id`), readable before signing in;
 * approval with the terms-bound passkey ceremony (the browser script), rejection with a
 * confirmation (`/requests/:id/reject`).
 */
export function requestPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();

  r.get('/requests/:id', async (c) => {
    const p = pageOf(c);
    const row = await visibleRequest(c, deps, c.req.param('id'));
    const service = await getService(deps.db, row.service_id);
    if (!service) throw new NotFoundError('request');
    const terms = await loadTermIndex(deps.db, { purposes: row.purposes, categories: row.categories, processing: row.processing });
    const now = deps.clock.now();
    const status = effectiveRequestStatus(row, now);
    return render(
      c,
      <Layout p={p} title={p.t('request.title', { service: service.name[p.locale] })} notice={noticeFor(p, c.req.query('notice'))}>
        <h1>{p.t('request.title', { service: service.name[p.locale] })}</h1>
        <p class="lead">{p.t('request.lead')}</p>
        <RequestTerms p={p} row={row} service={service} terms={terms} now={now} />
        <RequestAnswer p={p} row={row} status={status} service={service} />
      </Layout>,
    );
  });

  r.get('/requests/:id/reject', requireViewer(), async (c) => {
    const p = pageOf(c);
    const id = c.req.param('id');
    const row = await visibleRequest(c, deps, id);
    if (effectiveRequestStatus(row, deps.clock.now()) !== 'pending') return c.redirect(`/requests/${row.id}`, 303);
    const service = await getService(deps.db, row.service_id);
    const name = service?.name[p.locale] ?? '';
    return render(
      c,
      <Layout p={p} title={p.t('reject.title', { service: name })}>
        <h1>{p.t('reject.title', { service: name })}</h1>
        <p class="lead">{p.t('reject.explain', { service: name })}</p>
        <form class="stack" method="post" action={`/requests/${row.id}/reject`} id="reject-form">
          <CsrfField p={p} />
          <div class="actions">
            <button type="submit" class="danger">
              {p.t('reject.confirm')}
            </button>
            <a class="button secondary" href={`/requests/${row.id}`}>
              {p.t('reject.keep')}
            </a>
          </div>
        </form>
      </Layout>,
    );
  });

  r.post('/requests/:id/reject', requireViewer(), async (c) => {
    const viewer = c.get('viewer')!;
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('request');
    await deps.db.transaction((tx) => rejectRequest(tx, deps, viewer.citizenId, id, c.get('requestId')));
    return c.redirect(`/requests/${id}?notice=rejected`, 303);
  });

  return r;
}
