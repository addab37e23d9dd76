import { Hono } from 'hono';
import { listCatalogue } from '../../storage/catalogue-repo.js';
import type { AppDeps } from '../../core/deps.js';
import { decodeCursor } from '../../domain/cursor.js';
import { accessLogPage } from '../../log/access-log-view.js';
import { type AccessLogFilter, listAccessLog } from '../../storage/access-log-repo.js';
import { CHECK_EVENT_TYPE } from '../../storage/event-filter.js';
import { getService } from '../../storage/services-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { AccessLogChart } from '../views/access-log-chart.js';
import { AccessLogFilters, type Chosen, type FilterError } from '../views/access-log-filters.js';
import { isUuid, loadServices, serviceName, type TermIndex } from '../views/citizen-bits.js';
import { dayOf, startOfDay } from '../views/zoned-time.js';
import { Layout } from '../views/layout.js';
import { formatDateTime, type Page, pageOf } from '../views/page.js';
import { checksPerDay, servicesInLog } from './access-log-data.js';

const PAGE_SIZE = 50;
/** Days the chart covers when no dates are chosen, and at most. */
const CHART_DAYS = 30;
const MAX_CHART_DAYS = 92;

const TYPE_LABEL: Record<string, MessageKey> = {
  'consent.checked': 'type.checked',
  'consent.granted': 'type.granted',
  'consent.narrowed': 'type.narrowed',
  'consent.paused': 'type.paused',
  'consent.resumed': 'type.resumed',
  'consent.withdrawn': 'type.withdrawn',
  'consent.revoked': 'type.revoked',
  'consent.expired': 'type.expired',
  'consent.renewed': 'type.renewed',
  'renewal.requested': 'type.renewalRequested',
  'renewal.declined': 'type.renewalDeclined',
  'email.added': 'type.emailAdded',
  'email.confirmed': 'type.emailConfirmed',
  'email.removed': 'type.emailRemoved',
  'email.unsubscribed': 'type.emailUnsubscribed',
  'request.created': 'type.requestCreated',
  'request.approved': 'type.requestApproved',
  'request.rejected': 'type.requestRejected',
  'request.expired': 'type.requestExpired',
  'request.cancelled': 'type.requestCancelled',
  'citizen.signed_up': 'type.signedUp',
  'citizen.signed_in': 'type.signedIn',
  'citizen.signed_out': 'type.signedOut',
  'citizen.data_exported': 'type.exported',
  'passkey.added': 'type.passkeyAdded',
  'passkey.renamed': 'type.passkeyRenamed',
  'passkey.removed': 'type.passkeyRemoved',
  'session.revoked': 'type.sessionRevoked',
  'role.enrolled': 'type.enrolled',
  'representation.recorded': 'type.representationRecorded',
  'representation.authorised': 'type.representationAuthorised',
  'representation.accepted': 'type.representationAccepted',
  'representation.declined': 'type.representationDeclined',
  'representation.revoked': 'type.representationRevoked',
  'representation.renounced': 'type.representationRenounced',
  'representation.ended': 'type.representationEnded',
};

const REASON_LABEL: Record<string, MessageKey> = {
  no_consent: 'reason.no_consent',
  paused: 'reason.paused',
  withdrawn: 'reason.withdrawn',
  revoked: 'reason.revoked',
  expired: 'reason.expired',
  purpose_not_covered: 'reason.purpose_not_covered',
  category_not_covered: 'reason.category_not_covered',
  processing_not_covered: 'reason.processing_not_covered',
};

const CODE = /^[a-z][a-z0-9-]{1,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const safeDecodeCursor = (cursor: string): string | undefined => {
  try {
    return decodeCursor(cursor);
  } catch {
    return undefined;
  }
};

const addDays = (day: string, n: number): string => {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** The days the chart shows: the chosen range (or the last 30 days), at most 92 ending on the range's last day. */
function chartDays(from: string, to: string, today: string): string[] {
  const end = to || today;
  let start = from || addDays(end, -(CHART_DAYS - 1));
  if (start > end) return [];
  if (addDays(start, MAX_CHART_DAYS - 1) < end) start = addDays(end, -(MAX_CHART_DAYS - 1));
  const days: string[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) days.push(d);
  return days;
}

function label(p: Page, terms: TermIndex, kind: 'purpose' | 'category', codes: string[]): string {
  return codes.map((c) => terms.get(`${kind}:${c}`)?.label[p.locale] ?? c).join(', ');
}

/** "Who used my data" (`/access-log`): every check and action about me, filters, a chart per day, proofs from the log. */
export function accessLogPages(deps: AppDeps) {
  const r = new Hono<PortalEnv>();

  r.get('/access-log', requireViewer(), async (c) => {
    const p = pageOf(c);
    const viewer = p.viewer!;
    const q = (k: string) => (c.req.query(k) ?? '').trim();
    const chosen: Chosen = { service: q('service'), purpose: q('purpose'), category: q('category'), decision: q('decision'), kind: q('kind'), from: q('from'), to: q('to') };
    const errors: FilterError[] = [];
    const filter: AccessLogFilter = {};
    if (chosen.service) {
      if (isUuid(chosen.service)) filter.serviceId = chosen.service;
      else errors.push({ field: 'service', key: 'accessLog.badService' });
    }
    if (chosen.purpose) {
      if (CODE.test(chosen.purpose)) filter.purpose = chosen.purpose;
      else errors.push({ field: 'purpose', key: 'accessLog.badTerm' });
    }
    if (chosen.category) {
      if (CODE.test(chosen.category)) filter.category = chosen.category;
      else errors.push({ field: 'category', key: 'accessLog.badTerm' });
    }
    if (chosen.decision === 'permit' || chosen.decision === 'deny') filter.decision = chosen.decision;
    else if (chosen.decision) errors.push({ field: 'decision', key: 'accessLog.badTerm' });
    if (chosen.kind === 'checks') filter.types = [CHECK_EVENT_TYPE];
    const fromAt = chosen.from && DATE.test(chosen.from) ? startOfDay(chosen.from, p.timeZone) : undefined;
    const toAt = chosen.to && DATE.test(chosen.to) ? startOfDay(addDays(chosen.to, 1), p.timeZone) : undefined;
    if (chosen.from && !fromAt) errors.push({ field: 'from', key: 'accessLog.badDate' });
    if (chosen.to && !toAt) errors.push({ field: 'to', key: 'accessLog.badDate' });
    if (fromAt && toAt && fromAt.getTime() >= toAt.getTime()) errors.push({ field: 'to', key: 'accessLog.badRange' });
    if (fromAt) filter.from = fromAt.toISOString();
    if (toAt) filter.to = toAt.toISOString();
    const cursor = q('cursor');
    // The API's own cursors; a mangled one means "from the newest" rather than an error.
    const before = cursor ? safeDecodeCursor(cursor) : undefined;

    const ok = errors.length === 0;
    const rows = ok ? await listAccessLog(deps.db, viewer.citizenId, filter, { before, limit: PAGE_SIZE + 1 }) : [];
    const page = await accessLogPage(deps.db, rows, PAGE_SIZE);
    const today = dayOf(deps.clock.now(), p.timeZone);
    const days = ok ? await checksPerDay(deps.db, viewer.citizenId, filter, p.timeZone, chartDays(chosen.from && fromAt ? chosen.from : '', chosen.to && toAt ? chosen.to : '', today)) : [];
    const serviceIds = await servicesInLog(deps.db, viewer.citizenId);
    const services = await loadServices(deps.db, [...serviceIds, ...page.items.flatMap((i) => (i.service ? [i.service.id] : []))], getService);
    const catalogue = await listCatalogue(deps.db);
    const terms: TermIndex = new Map(catalogue.map((t) => [`${t.kind}:${t.code}`, t]));
    const params = new URLSearchParams(Object.entries(chosen).filter(([, v]) => v !== '') as [string, string][]);
    const nextHref = page.nextCursor ? `/access-log?${new URLSearchParams([...params, ['cursor', page.nextCursor]])}` : undefined;
    const firstHref = before ? `/access-log${params.size ? `?${params}` : ''}` : undefined;

    return render(
      c,
      <Layout p={p} title={p.t('accessLog.title')} current="accessLog">
        <h1>{p.t('accessLog.title')}</h1>
        <p class="lead">{p.t('accessLog.intro')}</p>
        {errors.length ? (
          <div class="error-summary" role="alert" id="error-summary">
            <h2>{p.t('citizenForm.errorsTitle')}</h2>
            <ul>
              {errors.map((e) => (
                <li>
                  <a href={`#${e.field}`}>{p.t(e.key)}</a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <AccessLogFilters p={p} chosen={chosen} errors={errors} serviceIds={serviceIds} services={services} catalogue={catalogue} />

        {ok ? (
          <>
            <h2>{p.t('accessLog.chartTitle')}</h2>
            <AccessLogChart p={p} days={days} />
          </>
        ) : null}

        <h2 id="entries-title">{p.t('accessLog.entriesTitle')}</h2>
        {page.items.length === 0 ? (
          <p class="muted" id="access-log-empty">
            {p.t('accessLog.none')}
          </p>
        ) : (
          <div class="table-wrap">
            <table id="access-log-table">
              <caption>{p.t('accessLog.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.t('accessLog.colWhen')}</th>
                  <th scope="col">{p.t('accessLog.colService')}</th>
                  <th scope="col">{p.t('accessLog.colWhat')}</th>
                  <th scope="col">{p.t('accessLog.colPurpose')}</th>
                  <th scope="col">{p.t('accessLog.colCategory')}</th>
                  <th scope="col">{p.t('accessLog.colDecision')}</th>
                  <th scope="col">{p.t('accessLog.colProof')}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((i) => (
                  <tr data-event-id={i.id} data-type={i.type}>
                    <th scope="row">{formatDateTime(p, i.time)}</th>
                    <td>{i.service ? serviceName(p, services.get(i.service.id)) : p.t('accessLog.you')}</td>
                    <td>{TYPE_LABEL[i.type] ? p.t(TYPE_LABEL[i.type]!) : p.t('type.other', { type: i.type })}</td>
                    <td>{label(p, terms, 'purpose', i.purposes)}</td>
                    <td>{label(p, terms, 'category', i.dataCategories)}</td>
                    <td>
                      {i.decision ? (
                        <>
                          <span class={`badge ${i.decision}`}>{p.t(i.decision === 'permit' ? 'decision.permit' : 'decision.deny')}</span>
                          {i.decision === 'deny' && i.reason ? <span class="hint"> {REASON_LABEL[i.reason] ? p.t(REASON_LABEL[i.reason]!) : i.reason}</span> : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {i.leafIndex !== null ? (
                        <details>
                          <summary>{p.t('accessLog.leaf', { index: i.leafIndex })}</summary>
                          <pre class="proof">
                            {JSON.stringify(
                              { eventId: i.id, leafIndex: i.leafIndex, treeSize: page.treeSize, leafHash: i.leafHash, leafData: i.leafData, inclusionProof: i.inclusionProof, salt: i.salt },
                              null,
                              2,
                            )}
                          </pre>
                        </details>
                      ) : (
                        <span class="muted">{p.t('accessLog.pendingLeaf')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label={p.t('pager.label')}>
          {firstHref ? <a href={firstHref}>{p.t('pager.first')}</a> : null}
          {nextHref ? <a href={nextHref}>{p.t('pager.older')}</a> : null}
        </nav>
        {page.checkpoint ? (
          <details id="checkpoint">
            <summary>{p.t('accessLog.checkpoint', { size: page.treeSize ?? '' })}</summary>
            <p>{p.t('accessLog.verifyHow')}</p>
            <pre>{page.checkpoint}</pre>
          </details>
        ) : null}
      </Layout>,
    );
  });

  return r;
}
