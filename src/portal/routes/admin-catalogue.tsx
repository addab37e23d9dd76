import type { Context, Hono } from 'hono';
import { type CatalogueTerm, langs, type TermKind, termKinds } from '../../domain/catalogue.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { AppDeps } from '../../core/deps.js';
import { createTerm } from '../../catalogue/create-term.js';
import { deleteTerm } from '../../catalogue/delete-term.js';
import { updateTerm } from '../../catalogue/update-term.js';
import type { TermUsage } from '../../storage/catalogue-admin-repo.js';
import { getTerm, listCatalogue } from '../../storage/catalogue-repo.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import type { FieldErrors } from '../views/admin-fields.js';
import { CatalogueList, TermDeleteConfirm, TermForm, termFormOf, type TermFormValues } from '../views/admin-term-views.js';
import { type Page, pageOf } from '../views/page.js';
import { adminContextOf, fieldErrors, type FormData, isProblem, noticeOf, readForm } from './admin-common.js';

const NOTICES: Record<string, MessageKey> = {
  created: 'admin.term.created',
  updated: 'admin.term.updated',
  deleted: 'admin.term.deleted',
};

function messageOf(field: string): MessageKey {
  if (field.startsWith('label.')) return 'admin.err.label';
  if (field.startsWith('description.')) return 'admin.err.description';
  const byField: Record<string, MessageKey> = {
    kind: 'officer.err.choice',
    code: 'admin.err.clientId',
    dpv: 'admin.err.dpv',
    sensitive: 'admin.err.sensitive',
    maxValidityDays: 'admin.err.maxValidityDays',
  };
  return byField[field] ?? 'error.validation_failed';
}

const valuesOf = (f: FormData): TermFormValues => {
  const tri = (prefix: string) => Object.fromEntries(langs.map((l) => [l, f.one(`${prefix}.${l}`)])) as TermFormValues['label'];
  return {
    kind: f.one('kind'),
    code: f.one('code'),
    dpv: f.one('dpv'),
    label: tri('label'),
    description: tri('description'),
    sensitive: f.one('sensitive') === 'yes',
    maxValidityDays: f.one('maxValidityDays'),
  };
};

/** The validity cap as typed: null when blank, a number, or undefined when not a whole number. */
const daysOf = (s: string): number | null | undefined => (s === '' ? null : /^[0-9]{1,6}$/.test(s) ? Number(s) : undefined);

const kindOf = (s: string | undefined): TermKind => {
  if (!termKinds.includes(s as TermKind)) throw new NotFoundError('catalogue term');
  return s as TermKind;
};

async function loadTerm(deps: AppDeps, c: Context<PortalEnv>): Promise<CatalogueTerm> {
  const term = await getTerm(deps.db, kindOf(c.req.param('kind')), c.req.param('code') ?? '');
  if (!term) throw new NotFoundError('catalogue term');
  return term;
}

/**
 * The catalogue pages over the functions behind `/v1/admin/catalogue`: every
 * purpose, data category and operation with its texts in ca/es/en; add a term, change its
 * texts and attributes, and delete (retire) one nothing refers to — after a confirmation, and
 * with the counts of what still uses it when the catalogue refuses.
 */
export function adminCatalogueRoutes(r: Hono<PortalEnv>, deps: AppDeps): void {
  const form = (c: Context<PortalEnv>, values: TermFormValues, errors: FieldErrors, status: 200 | 400 | 409, term?: CatalogueTerm) => {
    const p = pageOf(c);
    return render(c, <TermForm p={p} term={term} values={values} errors={errors} notice={noticeOf(p, c, NOTICES)} />, status);
  };
  const failed = (p: Page, err: unknown): FieldErrors | undefined => (err instanceof ValidationError ? fieldErrors(p, err, messageOf) : undefined);

  r.get('/admin/catalogue', async (c) => {
    const p = pageOf(c);
    return render(c, <CatalogueList p={p} terms={await listCatalogue(deps.db)} notice={noticeOf(p, c, NOTICES)} />);
  });

  r.get('/admin/catalogue/new', (c) => form(c, termFormOf(), {}, 200));

  r.post('/admin/catalogue', async (c) => {
    const p = pageOf(c);
    const v = valuesOf(await readForm(c));
    const days = daysOf(v.maxValidityDays);
    if (days === undefined) return form(c, v, { maxValidityDays: p.t('admin.err.maxValidityDays') }, 400);
    const input = { kind: v.kind, code: v.code, dpv: v.dpv || null, label: v.label, description: v.description, sensitive: v.sensitive, maxValidityDays: days };
    try {
      const term = await createTerm(deps.db, input, adminContextOf(deps, c));
      return c.redirect(`/admin/catalogue/${term.kind}/${term.code}?notice=created`, 303);
    } catch (err) {
      const errors = failed(p, err);
      if (errors) return form(c, v, errors, 400);
      if (isProblem(err, 'conflict')) return form(c, v, { code: p.t('admin.err.codeTaken') }, 409);
      throw err;
    }
  });

  r.get('/admin/catalogue/:kind/:code', async (c) => {
    const term = await loadTerm(deps, c);
    return form(c, termFormOf(term), {}, 200, term);
  });

  r.post('/admin/catalogue/:kind/:code', async (c) => {
    const p = pageOf(c);
    const term = await loadTerm(deps, c);
    const v = { ...valuesOf(await readForm(c)), kind: term.kind, code: term.code };
    const days = daysOf(v.maxValidityDays);
    if (days === undefined) return form(c, v, { maxValidityDays: p.t('admin.err.maxValidityDays') }, 400, term);
    const input = {
      dpv: v.dpv || null,
      label: v.label,
      description: v.description,
      ...(term.kind === 'category' ? { sensitive: v.sensitive } : {}),
      ...(term.kind === 'purpose' ? { maxValidityDays: days } : {}),
    };
    try {
      await updateTerm(deps.db, term.kind, term.code, input, adminContextOf(deps, c));
      return c.redirect(`/admin/catalogue/${term.kind}/${term.code}?notice=updated`, 303);
    } catch (err) {
      const errors = failed(p, err);
      if (errors) return form(c, v, errors, 400, term);
      throw err;
    }
  });

  r.get('/admin/catalogue/:kind/:code/delete', async (c) => render(c, <TermDeleteConfirm p={pageOf(c)} term={await loadTerm(deps, c)} />));

  r.post('/admin/catalogue/:kind/:code/delete', async (c) => {
    const term = await loadTerm(deps, c);
    try {
      await deleteTerm(deps.db, term.kind, term.code, adminContextOf(deps, c));
    } catch (err) {
      if (isProblem(err, 'term_in_use')) {
        const usage = err.data.usage as TermUsage;
        return render(c, <TermDeleteConfirm p={pageOf(c)} term={term} inUse={usage} />, 409);
      }
      throw err;
    }
    return c.redirect('/admin/catalogue?notice=deleted', 303);
  });
}
