import type { Context } from 'hono';
import { Hono } from 'hono';
import { transitionConsent } from '../../consent/transition-consent.js';
import type { NarrowChange } from '../../domain/consent.js';
import { PermisError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import type { ConsentRow } from '../../storage/consents-repo.js';
import { getService } from '../../storage/services-repo.js';
import { requireViewer } from '../middleware/guards.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import { loadTermIndex, serviceName, type TermIndex } from '../views/citizen-bits.js';
import { dayOf, endOfDay } from '../views/zoned-time.js';
import { CsrfField, Layout } from '../views/layout.js';
import { formatDate, type Page, pageOf } from '../views/page.js';
import { ownConsent, statusNow } from './consent-pages.js';

type SimpleAction = 'pause' | 'resume' | 'withdraw';

const SIMPLE: Record<SimpleAction, { title: MessageKey; explain: MessageKey; button: MessageKey; danger?: boolean; notice: string }> = {
  pause: { title: 'pause.title', explain: 'pause.explain', button: 'pause.confirm', notice: 'paused' },
  resume: { title: 'resume.title', explain: 'resume.explain', button: 'resume.confirm', notice: 'resumed' },
  withdraw: { title: 'withdraw.title', explain: 'withdraw.explain', button: 'withdraw.confirm', danger: true, notice: 'withdrawn' },
};

/** Applies one citizen transition with the API's own logic (row lock, receipt, audit, webhook). */
async function act(c: Context<PortalEnv>, deps: AppDeps, row: ConsentRow, action: SimpleAction | 'narrow', narrow?: NarrowChange): Promise<void> {
  const citizenId = c.get('viewer')!.citizenId;
  await deps.db.transaction((tx) =>
    transitionConsent(tx, deps, { consentId: row.id, action, citizenId, actor: { type: 'citizen', id: citizenId }, narrow, requestId: c.get('requestId') }),
  );
}

interface NarrowErrors {
  purposes?: MessageKey;
  categories?: MessageKey;
  validUntil?: MessageKey;
  form?: MessageKey;
}

interface NarrowValues {
  purposes: string[];
  categories: string[];
  validUntil: string;
}

/** The narrowing form: keep some purposes and data, end earlier. Errors are tied to their fields. */
function NarrowPage(props: { p: Page; row: ConsentRow; name: string; terms: TermIndex; values: NarrowValues; errors: NarrowErrors; today: string }) {
  const { p, row, name, terms, values, errors } = props;
  const list = Object.entries(errors).filter(([, v]) => v) as [keyof NarrowErrors, MessageKey][];
  const group = (field: 'purposes' | 'categories', kind: 'purpose' | 'category', codes: string[], legend: MessageKey) => (
    <fieldset aria-describedby={errors[field] ? `${field}-error` : `${field}-hint`} id={`${field}-group`}>
      <legend>{p.t(legend)}</legend>
      <p class="hint" id={`${field}-hint`}>
        {p.t('narrow.keepHint')}
      </p>
      {errors[field] ? (
        <p class="field-error" id={`${field}-error`}>
          {p.t(errors[field])}
        </p>
      ) : null}
      {codes.map((code) => {
        const term = terms.get(`${kind}:${code}`);
        return (
          <div class="check">
            <input type="checkbox" id={`${kind}-${code}`} name={field} value={code} checked={values[field].includes(code)} aria-invalid={errors[field] ? 'true' : undefined} />
            <label for={`${kind}-${code}`}>{term?.label[p.locale] ?? code}</label>
            {term ? <span class="hint">{term.description[p.locale]}</span> : null}
          </div>
        );
      })}
    </fieldset>
  );
  return (
    <Layout p={p} title={p.t('narrow.title', { service: name })} current="consents">
      <h1>{p.t('narrow.title', { service: name })}</h1>
      <p class="lead">{p.t('narrow.explain')}</p>
      {list.length ? (
        <div class="error-summary" role="alert" tabindex={-1} id="error-summary">
          <h2>{p.t('citizenForm.errorsTitle')}</h2>
          <ul>
            {list.map(([field, key]) => (
              <li>{field === 'form' ? p.t(key) : <a href={field === 'validUntil' ? '#validUntil' : `#${field}-group`}>{p.t(key)}</a>}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <form class="stack" method="post" action={`/consents/${row.id}/narrow`} id="narrow-form">
        <CsrfField p={p} />
        {group('purposes', 'purpose', row.terms.purposes, 'narrow.purposesLegend')}
        {group('categories', 'category', row.terms.dataCategories, 'narrow.categoriesLegend')}
        <div>
          <label for="validUntil">{p.t('narrow.untilLabel')}</label>
          <p class="hint" id="validUntil-hint">
            {p.t('narrow.untilHint', { date: formatDate(p, row.valid_until) })}
          </p>
          {errors.validUntil ? (
            <p class="field-error" id="validUntil-error">
              {p.t(errors.validUntil)}
            </p>
          ) : null}
          <input
            type="date"
            id="validUntil"
            name="validUntil"
            value={values.validUntil}
            min={props.today}
            max={dayOf(row.valid_until, p.timeZone)}
            aria-describedby={errors.validUntil ? 'validUntil-hint validUntil-error' : 'validUntil-hint'}
            aria-invalid={errors.validUntil ? 'true' : undefined}
          />
        </div>
        <div class="actions">
          <button type="submit" class="primary">
            {p.t('narrow.confirm')}
          </button>
          <a class="button secondary" href={`/consents/${row.id}`}>
            {p.t('common.cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/**
 * The consent actions, each one step with a confirmation page: `/consents/:id/pause`,
 * `/resume`, `/withdraw` (GET asks, POST does it and redirects with a notice) and
 * `/narrow` (a form choosing what to keep).
 */
export function consentActions(deps: AppDeps) {
  const r = new Hono<PortalEnv>();
  r.use('/consents/*', requireViewer());

  for (const action of Object.keys(SIMPLE) as SimpleAction[]) {
    const s = SIMPLE[action];
    r.get(`/consents/:id/${action}`, async (c) => {
      const p = pageOf(c);
      const row = await ownConsent(c, deps, c.req.param('id'));
      const status = statusNow(row, deps.clock.now());
      const allowed = action === 'resume' ? status === 'paused' : action === 'pause' ? status === 'active' : status === 'active' || status === 'paused';
      if (!allowed) return c.redirect(`/consents/${row.id}`, 303);
      const name = serviceName(p, await getService(deps.db, row.service_id));
      return render(
        c,
        <Layout p={p} title={p.t(s.title, { service: name })} current="consents">
          <h1>{p.t(s.title, { service: name })}</h1>
          <p class="lead">{p.t(s.explain, { service: name })}</p>
          <form class="stack" method="post" action={`/consents/${row.id}/${action}`} id={`${action}-form`}>
            <CsrfField p={p} />
            <div class="actions">
              <button type="submit" class={s.danger ? 'danger' : 'primary'}>
                {p.t(s.button)}
              </button>
              <a class="button secondary" href={`/consents/${row.id}`}>
                {p.t('common.cancel')}
              </a>
            </div>
          </form>
        </Layout>,
      );
    });

    r.post(`/consents/:id/${action}`, async (c) => {
      const row = await ownConsent(c, deps, c.req.param('id'));
      await act(c, deps, row, action);
      return c.redirect(`/consents/${row.id}?notice=${s.notice}`, 303);
    });
  }

  const narrowContext = async (c: Context<PortalEnv>) => {
    const p = pageOf(c);
    const row = await ownConsent(c, deps, c.req.param('id')!);
    const name = serviceName(p, await getService(deps.db, row.service_id));
    const terms = await loadTermIndex(deps.db, { purposes: row.terms.purposes, categories: row.terms.dataCategories });
    return { p, row, name, terms, today: dayOf(deps.clock.now(), p.timeZone) };
  };

  r.get('/consents/:id/narrow', async (c) => {
    const ctx = await narrowContext(c);
    const status = statusNow(ctx.row, deps.clock.now());
    if (status !== 'active' && status !== 'paused') return c.redirect(`/consents/${ctx.row.id}`, 303);
    const values = { purposes: ctx.row.terms.purposes, categories: ctx.row.terms.dataCategories, validUntil: dayOf(ctx.row.valid_until, ctx.p.timeZone) };
    return render(c, <NarrowPage {...ctx} values={values} errors={{}} />);
  });

  r.post('/consents/:id/narrow', async (c) => {
    const ctx = await narrowContext(c);
    const { row, p } = ctx;
    const body = await c.req.parseBody({ all: true });
    const values: NarrowValues = {
      purposes: asList(body.purposes),
      categories: asList(body.categories),
      validUntil: typeof body.validUntil === 'string' ? body.validUntil : '',
    };
    const errors: NarrowErrors = {};
    if (values.purposes.length === 0) errors.purposes = 'narrow.needPurpose';
    if (values.categories.length === 0) errors.categories = 'narrow.needCategory';
    const change: NarrowChange = {};
    const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (!sameSet(values.purposes, row.terms.purposes)) change.purposes = values.purposes;
    if (!sameSet(values.categories, row.terms.dataCategories)) change.dataCategories = values.categories;
    if (values.validUntil !== '') {
      const end = endOfDay(values.validUntil, p.timeZone);
      if (!end) errors.validUntil = 'narrow.badDate';
      else if (end.getTime() <= deps.clock.now().getTime()) errors.validUntil = 'narrow.pastDate';
      else if (end.getTime() < row.valid_until.getTime()) change.validUntil = end;
      else if (values.validUntil > dayOf(row.valid_until, p.timeZone)) errors.validUntil = 'narrow.laterDate';
    }
    if (Object.keys(errors).length === 0 && Object.keys(change).length === 0) errors.form = 'narrow.nothingChanged';
    if (Object.keys(errors).length === 0) {
      try {
        await act(c, deps, row, 'narrow', change);
        return c.redirect(`/consents/${row.id}?notice=narrowed`, 303);
      } catch (err) {
        // The domain's own rules (never wider, at least one purpose and category, a future end).
        if (!(err instanceof PermisError) || (err.code !== 'consent_not_narrower' && err.code !== 'validity_out_of_range')) throw err;
        errors.form = err.code === 'validity_out_of_range' ? 'narrow.pastDate' : 'narrow.notNarrower';
      }
    }
    return render(c, <NarrowPage {...ctx} values={values} errors={errors} />, 400);
  });

  return r;
}
