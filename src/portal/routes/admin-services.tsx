import type { Context, Hono } from 'hono';
import { langs } from '../../domain/catalogue.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Service } from '../../domain/service.js';
import type { AppDeps } from '../../core/deps.js';
import { registryContext } from '../../services/registry-context.js';
import { listCatalogue } from '../../storage/catalogue-repo.js';
import { findService, listServices } from '../../storage/services-repo.js';
import { createService } from '../../services/create-service.js';
import { setServiceJwks } from '../../services/set-service-jwks.js';
import { setServiceStatus } from '../../services/set-service-status.js';
import { updateService } from '../../services/update-service.js';
import { getWebhookEndpoint } from '../../storage/webhook-endpoints-repo.js';
import type { MessageKey } from '../messages/index.js';
import type { PortalEnv } from '../portal-env.js';
import { render } from '../render.js';
import type { FieldErrors } from '../views/admin-fields.js';
import { AdminNav } from '../views/admin-nav.js';
import { emptyServiceForm, ServiceForm, type ServiceFormValues } from '../views/admin-service-form.js';
import { ServiceDetail, ServiceList, SuspendConfirm } from '../views/admin-service-pages.js';
import { Layout } from '../views/layout.js';
import { type Page, pageOf } from '../views/page.js';
import { adminContextOf, fieldErrors, type FormData, isProblem, noticeOf, readForm } from './admin-common.js';

const NOTICES: Record<string, MessageKey> = {
  created: 'admin.service.created',
  updated: 'admin.service.updated',
  suspended: 'admin.service.suspendedNotice',
  activated: 'admin.service.activatedNotice',
  keys: 'admin.service.keysNotice',
};

/** The message shown for a service field in error. */
function messageOf(field: string): MessageKey {
  if (field.startsWith('name.')) return 'admin.err.name';
  if (field.startsWith('description.')) return 'admin.err.description';
  const byField: Record<string, MessageKey> = {
    clientId: 'admin.err.clientId',
    'controller.name': 'admin.err.controllerName',
    'controller.dpoContact': 'admin.err.dpoContact',
    'controller.policyUrl': 'admin.err.policyUrl',
    purposes: 'admin.err.codes',
    categories: 'admin.err.codes',
    processing: 'admin.err.codes',
    jwks: 'admin.err.jwks',
  };
  return byField[field] ?? 'error.validation_failed';
}

/** `jwks.keys.0.kid` → `jwks`; `purposes.2` → `purposes`; `name.ca` → `name.ca`. */
const fieldOf = (path: string): string => (path.startsWith('jwks') ? 'jwks' : path.split('.').filter((s) => !/^\d+$/.test(s)).slice(0, 2).join('.') || '(root)');

/** The service form as submitted. */
function valuesOf(f: FormData): ServiceFormValues {
  const tri = (prefix: string) => Object.fromEntries(langs.map((l) => [l, f.one(`${prefix}.${l}`)])) as ServiceFormValues['name'];
  return {
    clientId: f.one('clientId'),
    name: tri('name'),
    description: tri('description'),
    controllerName: f.one('controller.name'),
    dpoContact: f.one('controller.dpoContact'),
    policyUrl: f.one('controller.policyUrl'),
    purposes: f.all('purposes'),
    categories: f.all('categories'),
    processing: f.all('processing'),
    jwks: f.one('jwks'),
  };
}

/** The registry's input for `v` (the shape of `POST /v1/admin/services`). */
const inputOf = (v: ServiceFormValues) => ({
  name: v.name,
  description: v.description,
  controller: { name: v.controllerName, dpoContact: v.dpoContact, policyUrl: v.policyUrl },
  purposes: v.purposes,
  categories: v.categories,
  processing: v.processing,
});

/** A JWK Set typed as JSON, or the `jwks` field in error. */
function parseJwks(p: Page, text: string): { ok: true; value: unknown } | { ok: false; errors: FieldErrors } {
  if (text === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, errors: { jwks: p.t('admin.err.jwks') } };
  }
}

async function loadService(deps: AppDeps, c: Context<PortalEnv>): Promise<Service> {
  const s = await findService(deps.db, c.req.param('id') ?? '');
  if (!s) throw new NotFoundError('service');
  return s;
}

/**
 * The service registry pages over the functions behind `/v1/admin/services`:
 * list, register, edit, suspend (with a confirmation) and activate, replace the keys, and the
 * webhook endpoint read-only (services set it themselves with `PUT /v1/service/webhook`).
 * Every change is audited under the admin by the registry itself.
 */
export function adminServiceRoutes(r: Hono<PortalEnv>, deps: AppDeps): void {
  const newPage = async (c: Context<PortalEnv>, values: ServiceFormValues, errors: FieldErrors, status: 200 | 400 | 409) => {
    const p = pageOf(c);
    const terms = await listCatalogue(deps.db);
    return render(
      c,
      <Layout p={p} title={p.t('admin.service.new')} current="admin">
        <AdminNav p={p} current="services" />
        <h1>{p.t('admin.service.new')}</h1>
        <ServiceForm p={p} mode="new" action="/admin/services" values={values} errors={errors} terms={terms} />
      </Layout>,
      status,
    );
  };

  const detailPage = async (c: Context<PortalEnv>, s: Service, edit: { values?: ServiceFormValues; errors?: FieldErrors; keysText?: string }, status: 200 | 400 = 200) => {
    const p = pageOf(c);
    const [terms, webhook] = await Promise.all([listCatalogue(deps.db), getWebhookEndpoint(deps.db, s.id)]);
    return render(c, <ServiceDetail p={p} service={s} terms={terms} webhook={webhook} notice={noticeOf(p, c, NOTICES)} {...edit} />, status);
  };

  r.get('/admin/services', async (c) => {
    const p = pageOf(c);
    const cursor = c.req.query('cursor') || undefined;
    let page;
    try {
      page = await listServices(deps.db, { limit: 50, cursor });
    } catch (err) {
      if (err instanceof ValidationError) return c.redirect('/admin/services', 303);
      throw err;
    }
    return render(c, <ServiceList p={p} services={page.items} next={page.nextCursor} notice={noticeOf(p, c, NOTICES)} />);
  });

  r.get('/admin/services/new', (c) => newPage(c, emptyServiceForm(), {}, 200));

  r.post('/admin/services', async (c) => {
    const p = pageOf(c);
    const v = valuesOf(await readForm(c));
    const jwks = parseJwks(p, v.jwks);
    if (!jwks.ok) return newPage(c, v, jwks.errors, 400);
    try {
      const s = await createService(deps.db, { clientId: v.clientId, ...inputOf(v), ...(jwks.value === undefined ? {} : { jwks: jwks.value }) }, registryContext(adminContextOf(deps, c)));
      return c.redirect(`/admin/services/${s.id}?notice=created`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return newPage(c, v, fieldErrors(p, err, messageOf, fieldOf), 400);
      if (isProblem(err, 'conflict')) return newPage(c, v, { clientId: p.t('admin.err.clientIdTaken') }, 409);
      if (isProblem(err, 'term_unknown')) return newPage(c, v, { purposes: p.t('admin.err.codes') }, 400);
      throw err;
    }
  });

  r.get('/admin/services/:id', async (c) => detailPage(c, await loadService(deps, c), {}));

  r.post('/admin/services/:id', async (c) => {
    const p = pageOf(c);
    const s = await loadService(deps, c);
    const v = { ...valuesOf(await readForm(c)), clientId: s.clientId };
    try {
      await updateService(deps.db, s.id, inputOf(v), registryContext(adminContextOf(deps, c)));
      return c.redirect(`/admin/services/${s.id}?notice=updated`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return detailPage(c, s, { values: v, errors: fieldErrors(p, err, messageOf, fieldOf) }, 400);
      if (isProblem(err, 'term_unknown')) return detailPage(c, s, { values: v, errors: { purposes: p.t('admin.err.codes') } }, 400);
      throw err;
    }
  });

  // Where a keys form shown again with an error leads when switched to another language.
  r.get('/admin/services/:id/keys', (c) => c.redirect(`/admin/services/${encodeURIComponent(c.req.param('id'))}#keys`, 303));

  r.post('/admin/services/:id/keys', async (c) => {
    const p = pageOf(c);
    const s = await loadService(deps, c);
    const form = await readForm(c);
    const text = form.one('jwks');
    const jwks = parseJwks(p, text === '' ? '{"keys":[]}' : text);
    if (!jwks.ok) return detailPage(c, s, { keysText: text, errors: jwks.errors }, 400);
    // An empty set locks the service out: a destructive change, so it must be confirmed.
    const keys = (jwks.value as { keys?: unknown } | null)?.keys;
    if (Array.isArray(keys) && keys.length === 0 && form.one('confirmEmpty') !== 'yes') {
      return detailPage(c, s, { keysText: text, errors: { confirmEmpty: p.t('admin.err.emptyKeys') } }, 400);
    }
    try {
      await setServiceJwks(deps.db, s.id, jwks.value, registryContext(adminContextOf(deps, c)));
      return c.redirect(`/admin/services/${s.id}?notice=keys`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return detailPage(c, s, { keysText: text, errors: { jwks: p.t('admin.err.jwks') } }, 400);
      throw err;
    }
  });

  r.get('/admin/services/:id/suspend', async (c) => {
    const p = pageOf(c);
    return render(c, <SuspendConfirm p={p} service={await loadService(deps, c)} />);
  });

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['activate', 'active'],
  ] as const) {
    r.post(`/admin/services/:id/${action}`, async (c) => {
      const s = await loadService(deps, c);
      const reason = (await readForm(c)).one('reason').slice(0, 500);
      await setServiceStatus(deps.db, s.id, status, registryContext(adminContextOf(deps, c)), reason === '' ? undefined : reason);
      return c.redirect(`/admin/services/${s.id}?notice=${status === 'active' ? 'activated' : 'suspended'}`, 303);
    });
  }
}
