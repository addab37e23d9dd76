import { Hono } from 'hono';
import { declineRenewal } from '../../consent/decline-renewal.js';
import { previewRenewal } from '../../consent/renew-consent.js';
import type { ConsentTerms } from '../../domain/consent.js';
import { NotFoundError, PermisError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { findPendingRenewal } from '../../storage/renewal-requests-repo.js';
import { getService } from '../../storage/services-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { isUuid, loadTermIndex, serviceName, TermList } from '../views/citizen-bits.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDate, formatDateTime, pageOf } from '../views/page.js';
import { PasskeyForm } from '../views/passkey-form.js';
import { ownConsent } from './consent-pages.js';

/**
 * `/consents/:id/renew`, where reminders and renewal requests lead: the unchanged terms, the
 * current and the new end, one passkey ceremony bound to the renewed terms (the browser
 * script); when the service asked for the renewal, a way to let it end instead
 * (`POST /consents/:id/renewal/decline`). A consent that cannot be renewed says why.
 */
export function renewalPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/consents/*', requireViewer());

  r.get('/consents/:id/renew', async (c) => {
    const p = pageOf(c);
    const row = await ownConsent(c, deps, c.req.param('id'));
    const name = serviceName(p, await getService(deps.db, row.service_id));
    const pending = await findPendingRenewal(deps.db, row.id);
    let renewed: ConsentTerms | undefined;
    let refusal: { text: string; href?: string } | undefined;
    try {
      renewed = (await previewRenewal(deps, p.viewer!.citizenId, row.id)).terms;
    } catch (err) {
      if (!(err instanceof PermisError)) throw err;
      if (err.code === 'notice_changed') {
        const href = typeof err.data.consentRequestId === 'string' ? `/requests/${err.data.consentRequestId}` : undefined;
        refusal = { text: p.t(href ? 'renew.noticeChanged' : 'renew.noticeChangedNoRequest', { service: name }), ...(href ? { href } : {}) };
      } else if (err.code === 'illegal_transition') {
        refusal = { text: p.t('renew.notLive') };
      } else if (err.code === 'service_suspended') {
        refusal = { text: p.t('error.service_suspended') };
      } else throw err;
    }
    const terms = await loadTermIndex(deps.db, { purposes: row.terms.purposes, categories: row.terms.dataCategories, processing: row.terms.processing });
    return render(
      c,
      <Layout p={p} title={p.t('renew.title', { service: name })} current="consents">
        <h1>{p.t('renew.title', { service: name })}</h1>
        <p class="lead">{p.t('renew.lead')}</p>
        {pending && !refusal ? (
          <p class="notice" id="renewal-requested">
            {p.t('renew.requested', { service: name })}
          </p>
        ) : null}
        {refusal ? (
          <div class="notice error" role="alert" id="renewal-refused">
            <p>{refusal.text}</p>
            {refusal.href ? (
              <p>
                <a class="button" href={refusal.href} id="new-request-link">
                  {p.t('renew.noticeChangedLink')}
                </a>
              </p>
            ) : null}
          </div>
        ) : null}
        <dl class="facts">
          <dt>{p.t('request.service')}</dt>
          <dd>{name}</dd>
          <dt>{p.t('renew.oldUntil')}</dt>
          <dd id="renew-old-until">{formatDateTime(p, row.terms.validUntil)}</dd>
          {renewed ? (
            <>
              <dt>{p.t('renew.newUntil')}</dt>
              <dd id="renew-new-until" data-valid-until={renewed.validUntil}>
                {formatDate(p, renewed.validUntil)}
              </dd>
            </>
          ) : null}
        </dl>
        <h2>{p.t('renew.sameTerms')}</h2>
        <h3>{p.t('request.dataTitle')}</h3>
        <TermList p={p} terms={terms} kind="category" codes={row.terms.dataCategories} />
        <h3>{p.t('request.purposesTitle')}</h3>
        <TermList p={p} terms={terms} kind="purpose" codes={row.terms.purposes} />
        <h3>{p.t('request.processingTitle')}</h3>
        <TermList p={p} terms={terms} kind="processing" codes={row.terms.processing} />
        {renewed ? (
          <PasskeyForm p={p} action="renew" id="renew-form" consentId={row.id} next={`/consents/${row.id}`} submitLabel={p.t('renew.button')} />
        ) : null}
        {pending && renewed ? (
          <section aria-labelledby="decline-title">
            <h2 id="decline-title">{p.t('renew.declineTitle')}</h2>
            <p>{p.t('renew.declineExplain', { date: formatDate(p, row.valid_until), service: name })}</p>
            <form method="post" action={`/consents/${row.id}/renewal/decline`} id="decline-form">
              <CsrfField p={p} />
              <button type="submit" class="secondary">
                {p.t('renew.declineButton')}
              </button>
            </form>
          </section>
        ) : null}
        <p>
          <a href={`/consents/${row.id}`}>{p.t('common.back')}</a>
        </p>
      </Layout>,
    );
  });

  r.post('/consents/:id/renewal/decline', async (c) => {
    const id = c.req.param('id');
    if (!isUuid(id)) throw new NotFoundError('consent');
    await deps.db.transaction((tx) => declineRenewal(tx, deps, c.get('viewer')!.citizenId, id, c.get('requestId')));
    return c.redirect(`/consents/${id}?notice=renewal-declined`, 303);
  });

  return r;
}
