import { Hono } from 'hono';
import { html } from 'hono/html';
import { pickLanguage } from '../../consent/request-terms.js';
import { effectiveRequestStatus } from '../../consent/decide-request.js';
import { isUuid } from '../../domain/ids.js';
import { resolveTerms } from '../../storage/catalogue-repo.js';
import { findRequest } from '../../storage/requests-repo.js';
import { getService } from '../../storage/services-repo.js';
import type { AppDeps, AppEnv } from '../deps.js';

const words = {
  ca: { title: 'Sol·licitud de consentiment', asks: 'demana el teu consentiment', data: 'Dades', purposes: 'Finalitats', until: 'Durada', days: 'dies', status: 'Estat', how: 'Per aprovar-la o rebutjar-la, inicia la sessió amb la teva clau d’accés a Permís.', notFound: 'Aquesta sol·licitud no existeix.' },
  es: { title: 'Solicitud de consentimiento', asks: 'pide tu consentimiento', data: 'Datos', purposes: 'Finalidades', until: 'Duración', days: 'días', status: 'Estado', how: 'Para aprobarla o rechazarla, inicia sesión con tu llave de acceso en Permís.', notFound: 'Esta solicitud no existe.' },
  en: { title: 'Consent request', asks: 'asks for your consent', data: 'Data', purposes: 'Purposes', until: 'Duration', days: 'days', status: 'Status', how: 'To approve or reject it, sign in to Permís with your passkey.', notFound: 'This request does not exist.' },
} as const;

/** The language of `Accept-Language` we speak, Catalan as the fallback. */
function language(header: string | undefined): 'ca' | 'es' | 'en' {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().slice(0, 2);
    if (tag === 'ca' || tag === 'es' || tag === 'en') return tag;
  }
  return 'ca';
}

/**
 * The page behind a request's `approvalUrl`: what is asked, by whom, in the reader's language.
 * A minimal server-rendered page until the citizen portal takes over this path; approving
 * happens through the API's terms-bound passkey ceremony.
 */
export function approvalPageRoutes(deps: AppDeps) {
  const r = new Hono<AppEnv>();
  r.get('/requests/:id', async (c) => {
    const lang = language(c.req.header('accept-language'));
    const w = words[lang];
    const id = c.req.param('id');
    const req = isUuid(id) ? await findRequest(deps.db, id) : undefined;
    const service = req ? await getService(deps.db, req.service_id) : undefined;
    c.header('Content-Language', lang);
    if (!req || !service) {
      return c.html(html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Permís</title></head><body><main><h1>${w.title}</h1><p>${w.notFound}</p></main></body></html>`, 404);
    }
    const shown = pickLanguage(req, lang);
    const terms = await resolveTerms(deps.db, { purposes: req.purposes, categories: req.categories });
    const list = (kind: 'purpose' | 'category') => terms.filter((t) => t.kind === kind).map((t) => html`<li><strong>${t.label[lang]}</strong>: ${t.description[lang]}</li>`);
    return c.html(html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${w.title} — Permís</title></head>
<body><main>
<h1>${w.title}</h1>
<p><strong>${service.name[lang]}</strong> (${service.controller.name}) ${w.asks}.</p>
<blockquote lang="${shown}">${req.notice.texts[shown]}</blockquote>
<h2>${w.purposes}</h2><ul>${list('purpose')}</ul>
<h2>${w.data}</h2><ul>${list('category')}</ul>
<p>${w.until}: ${req.duration_days} ${w.days}. ${w.status}: ${effectiveRequestStatus(req, deps.clock.now())}.</p>
<p>${w.how}</p>
<p><a href="${service.controller.policyUrl}">${service.controller.policyUrl}</a> · ${service.controller.dpoContact}</p>
</main></body></html>`);
  });
  return r;
}
