import { Hono } from 'hono';
import type { Context } from 'hono';
import { type ConsentEvent, type ConsentStatus, consentStatuses, effectiveStatus } from '../../domain/consent.js';
import { NotFoundError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { receiptView } from '../../consent/consent-view.js';
import { type ConsentRow, findCitizenConsent, listConsents, listReceipts, listRevisions } from '../../storage/consents-repo.js';
import { getService } from '../../storage/services-repo.js';
import { findPendingRenewal } from '../../storage/renewal-requests-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { ConsentBadge, isUuid, loadServices, loadTermIndex, noticeFor, serviceName, termLabel, TermList } from '../views/citizen-bits.js';
import { Layout } from '../views/layout.js';
import { formatDate, formatDateTime, pageOf } from '../views/page.js';

const PAGE_SIZE = 25;
const LANGUAGE_NAMES = { ca: 'català', es: 'español', en: 'English' } as const;

const EVENT_LABEL: Record<ConsentEvent, MessageKey> = {
  granted: 'event.granted',
  narrowed: 'event.narrowed',
  paused: 'event.paused',
  resumed: 'event.resumed',
  withdrawn: 'event.withdrawn',
  revoked: 'event.revoked',
  expired: 'event.expired',
  renewed: 'event.renewed',
};

/** The label of a consent event in the page's language. */
export const eventLabel = (t: (k: MessageKey) => string, e: ConsentEvent): string => t(EVENT_LABEL[e]);

/** The signed-in citizen's consent `id`, else "not found" (another citizen's consent does not exist for them). */
export async function ownConsent(c: Context<PortalEnv>, deps: AppDeps, id: string): Promise<ConsentRow> {
  const viewer = c.get('viewer')!;
  const row = isUuid(id) ? await findCitizenConsent(deps.db, viewer.citizenId, id) : undefined;
  if (!row) throw new NotFoundError('consent');
  return row;
}

/** The consent's status as anyone must see it now (expired once past its validity). */
export const statusNow = (row: ConsentRow, now: Date): ConsentStatus => effectiveStatus(row.status, row.valid_until, now);

/** `/consents` (list, filter by status), `/consents/:id` (terms, history, receipts) and the receipt downloads. */
export function consentPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/consents', requireViewer());
  r.use('/consents/*', requireViewer());

  r.get('/consents', async (c) => {
    const p = pageOf(c);
    const viewer = p.viewer!;
    const now = deps.clock.now();
    const asked = c.req.query('status');
    const status = (consentStatuses as readonly string[]).includes(asked ?? '') ? (asked as ConsentStatus) : undefined;
    const before = c.req.query('before');
    const rows = await listConsents(deps.db, {
      citizenId: viewer.citizenId,
      status,
      before: before && isUuid(before) ? before : undefined,
      limit: PAGE_SIZE + 1,
      now,
    });
    const page = rows.slice(0, PAGE_SIZE);
    const services = await loadServices(deps.db, page.map((k) => k.service_id), getService);
    const terms = await loadTermIndex(deps.db, { purposes: page.flatMap((k) => k.terms.purposes) });
    const more = rows.length > PAGE_SIZE ? `/consents?${new URLSearchParams({ ...(status ? { status } : {}), before: page[page.length - 1]!.id })}` : undefined;
    return render(
      c,
      <Layout p={p} title={p.t('consents.title')} current="consents" notice={noticeFor(p, c.req.query('notice'))}>
        <h1>{p.t('consents.title')}</h1>
        <p class="lead">{p.t('consents.intro')}</p>
        <form method="get" action="/consents" class="filters" id="consents-filter">
          <div>
            <label for="status">{p.t('consents.filterStatus')}</label>
            <select id="status" name="status">
              <option value="">{p.t('consents.all')}</option>
              {consentStatuses.map((s) => (
                <option value={s} selected={s === status}>
                  {p.t(`status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="secondary">
            {p.t('consents.filterButton')}
          </button>
        </form>
        {page.length === 0 ? (
          <p class="muted" id="consents-empty">
            {p.t('consents.none')}
          </p>
        ) : (
          <div class="table-wrap">
            <table id="consents-table">
              <caption>{p.t('consents.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.t('consents.colService')}</th>
                  <th scope="col">{p.t('consents.colPurposes')}</th>
                  <th scope="col">{p.t('consents.colStatus')}</th>
                  <th scope="col">{p.t('consents.colUntil')}</th>
                </tr>
              </thead>
              <tbody>
                {page.map((k) => (
                  <tr>
                    <th scope="row">
                      <a href={`/consents/${k.id}`}>{serviceName(p, services.get(k.service_id))}</a>
                    </th>
                    <td>{k.terms.purposes.map((code) => termLabel(p, terms, 'purpose', code)).join(', ')}</td>
                    <td>
                      <ConsentBadge p={p} status={statusNow(k, now)} />
                    </td>
                    <td>{formatDate(p, k.valid_until)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label={p.t('pager.label')}>
          {before ? <a href={`/consents${status ? `?status=${status}` : ''}`}>{p.t('pager.first')}</a> : null}
          {more ? <a href={more}>{p.t('common.next')}</a> : null}
        </nav>
      </Layout>,
    );
  });

  r.get('/consents/:id', async (c) => {
    const p = pageOf(c);
    const row = await ownConsent(c, deps, c.req.param('id'));
    const now = deps.clock.now();
    const status = statusNow(row, now);
    const service = await getService(deps.db, row.service_id);
    const name = serviceName(p, service);
    const [revisions, receipts] = [await listRevisions(deps.db, row.id), await listReceipts(deps.db, row.id)];
    // Labels for every revision's terms (a narrowing may have removed some since).
    const terms = await loadTermIndex(deps.db, {
      purposes: [...row.terms.purposes, ...revisions.flatMap((v) => v.terms.purposes)],
      categories: [...row.terms.dataCategories, ...revisions.flatMap((v) => v.terms.dataCategories)],
      processing: row.terms.processing,
    });
    const live = status === 'active' || status === 'paused';
    const renewal = live ? await findPendingRenewal(deps.db, row.id) : undefined;
    const endedAt = status === 'expired' && !row.ended_at ? row.valid_until : row.ended_at;
    return render(
      c,
      <Layout p={p} title={p.t('consent.title', { service: name })} current="consents" notice={noticeFor(p, c.req.query('notice'))}>
        <h1>{p.t('consent.title', { service: name })}</h1>
        <p class="lead" id="consent-status" data-status={status}>
          {p.t('consent.statusIs')} <ConsentBadge p={p} status={status} />{' '}
          {status === 'paused' ? p.t('consent.pausedExplain') : null}
          {status === 'active' ? p.t('consent.activeExplain') : null}
          {!live && endedAt ? p.t('consent.endedOn', { date: formatDate(p, endedAt) }) : null}
        </p>
        {live && renewal ? (
          <p class="notice" id="renewal-requested">
            {p.t('consent.renewalRequested', { service: name, date: formatDate(p, row.valid_until) })}
          </p>
        ) : null}
        {live ? (
          <div class="actions" id="consent-actions">
            <a class={renewal ? 'button' : 'button secondary'} id="renew-link" href={`/consents/${row.id}/renew`}>
              {p.t('consent.renewLink')}
            </a>
            <a class="button secondary" id="narrow-link" href={`/consents/${row.id}/narrow`}>
              {p.t('consent.narrowLink')}
            </a>
            {status === 'active' ? (
              <a class="button secondary" id="pause-link" href={`/consents/${row.id}/pause`}>
                {p.t('consent.pauseLink')}
              </a>
            ) : (
              <a class="button secondary" id="resume-link" href={`/consents/${row.id}/resume`}>
                {p.t('consent.resumeLink')}
              </a>
            )}
            <a class="button danger" id="withdraw-link" href={`/consents/${row.id}/withdraw`}>
              {p.t('consent.withdrawLink')}
            </a>
          </div>
        ) : null}

        <h2>{p.t('consent.termsTitle')}</h2>
        <dl class="facts">
          <dt>{p.t('request.service')}</dt>
          <dd id="consent-service">{name}</dd>
          <dt>{p.t('request.controller')}</dt>
          <dd>{row.terms.controller.name}</dd>
          <dt>{p.t('request.dpo')}</dt>
          <dd>{row.terms.controller.dpoContact}</dd>
          <dt>{p.t('request.policy')}</dt>
          <dd>
            <a href={row.terms.controller.policyUrl}>{p.t('request.policyLink', { controller: row.terms.controller.name })}</a>
          </dd>
          <dt>{p.t('consent.validFrom')}</dt>
          <dd>{formatDateTime(p, row.terms.validFrom)}</dd>
          <dt>{p.t('consent.validUntil')}</dt>
          <dd id="consent-valid-until">{formatDateTime(p, row.terms.validUntil)}</dd>
          <dt>{p.t('consent.notice')}</dt>
          <dd>{p.t('consent.noticeIs', { version: row.terms.notice.version, language: LANGUAGE_NAMES[row.terms.notice.language] })}</dd>
          <dt>{p.t('consent.reference')}</dt>
          <dd>
            <code>{row.subject_ref}</code>
          </dd>
        </dl>
        <h3>{p.t('request.dataTitle')}</h3>
        <TermList p={p} terms={terms} kind="category" codes={row.terms.dataCategories} />
        <h3>{p.t('request.purposesTitle')}</h3>
        <TermList p={p} terms={terms} kind="purpose" codes={row.terms.purposes} />
        <h3>{p.t('request.processingTitle')}</h3>
        <TermList p={p} terms={terms} kind="processing" codes={row.terms.processing} />

        <h2 id="history-title">{p.t('consent.historyTitle')}</h2>
        <div class="table-wrap">
          <table id="consent-history" aria-describedby="history-title">
            <caption>{p.t('consent.historyCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{p.t('consent.colRevision')}</th>
                <th scope="col">{p.t('consent.colEvent')}</th>
                <th scope="col">{p.t('consent.colWhen')}</th>
                <th scope="col">{p.t('consents.colStatus')}</th>
                <th scope="col">{p.t('consent.colChange')}</th>
              </tr>
            </thead>
            <tbody>
              {revisions.map((v) => (
                <tr>
                  <th scope="row">{v.revision}</th>
                  <td>{eventLabel(p.t, v.event)}</td>
                  <td>{formatDateTime(p, v.created_at)}</td>
                  <td>
                    <ConsentBadge p={p} status={v.status} />
                  </td>
                  <td>
                    {v.event === 'narrowed' || v.event === 'granted'
                      ? p.t('consent.changeTerms', {
                          purposes: v.terms.purposes.map((code) => termLabel(p, terms, 'purpose', code)).join(', '),
                          categories: v.terms.dataCategories.map((code) => termLabel(p, terms, 'category', code)).join(', '),
                          date: formatDate(p, v.terms.validUntil),
                        })
                      : (v.reason ?? '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>

        <h2>{p.t('consent.receiptsTitle')}</h2>
        <p>{p.t('consent.receiptsExplain')}</p>
        <ul id="consent-receipts">
          {receipts.map((k) => (
            <li>
              <a href={`/consents/${row.id}/receipts/${k.revision}.jws`} download={`permis-receipt-${row.id}-${k.revision}.jws`}>
                {p.t('consent.receiptLink', { revision: k.revision, event: eventLabel(p.t, k.event), date: formatDateTime(p, k.created_at) })}
              </a>
            </li>
          ))}
        </ul>
        <p>
          <a id="receipts-bundle-link" href={`/consents/${row.id}/receipts.json`} download={`permis-receipts-${row.id}.json`}>
            {p.t('consent.receiptsBundle')}
          </a>
        </p>
        <p>
          <a href="/consents">{p.t('consent.backToList')}</a>
        </p>
      </Layout>,
    );
  });

  r.get('/consents/:id/receipts.json', async (c) => {
    const row = await ownConsent(c, deps, c.req.param('id'));
    const items = (await listReceipts(deps.db, row.id)).map(receiptView);
    c.header('Content-Disposition', `attachment; filename="permis-receipts-${row.id}.json"`);
    return c.json({ consentId: row.id, jwks: `${deps.config.publicUrl}/.well-known/jwks.json`, items });
  });

  r.get('/consents/:id/receipts/:file', async (c) => {
    const row = await ownConsent(c, deps, c.req.param('id'));
    const m = /^([1-9][0-9]{0,8})\.jws$/.exec(c.req.param('file'));
    const receipt = m ? (await listReceipts(deps.db, row.id)).find((k) => k.revision === Number(m[1])) : undefined;
    if (!receipt) throw new NotFoundError('receipt');
    c.header('Content-Type', 'application/jose; charset=us-ascii');
    c.header('Content-Disposition', `attachment; filename="permis-receipt-${row.id}-${receipt.revision}.jws"`);
    return c.body(receipt.jws);
  });

  return r;
}
