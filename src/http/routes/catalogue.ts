import { createRoute, z } from '@hono/zod-openapi';
import { type CatalogueTerm, CODE_PATTERN, type Lang, langs, localiseTerm, termKinds } from '../../domain/catalogue.js';
import { NotFoundError } from '../../domain/errors.js';
import { getTerm, listCatalogue } from '../../storage/catalogue-repo.js';
import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { problemResponses } from '../problem.js';

const LocalisedText = z
  .object({ ca: z.string().optional(), es: z.string().optional(), en: z.string().optional() })
  .strict()
  .openapi('CatalogueText', {
    description: 'A text in Catalan, Spanish and English; with `?lang=` only that language is present.',
    example: { ca: 'Mobilitat', es: 'Movilidad', en: 'Mobility' },
  });

const CatalogueTermSchema = z
  .object({
    kind: z.enum(termKinds),
    code: z.string().openapi({ example: 'energy-poverty-support' }),
    dpv: z.string().nullable().openapi({
      description: 'W3C Data Privacy Vocabulary term (`dpv:` https://w3id.org/dpv#, `pd:` https://w3id.org/dpv/pd#), or null.',
      example: 'dpv:RequestedServiceProvision',
    }),
    label: LocalisedText,
    description: LocalisedText,
    sensitive: z.boolean().openapi({ description: 'GDPR Art. 9 special category of personal data.' }),
    maxValidityDays: z.number().int().nullable().openapi({
      description: 'Longest consent for this purpose, in days; null means the default cap (365 days).',
    }),
  })
  .strict()
  .openapi('CatalogueTerm');

const Catalogue = z
  .object({
    purposes: z.array(CatalogueTermSchema),
    categories: z.array(CatalogueTermSchema),
    processing: z.array(CatalogueTermSchema),
  })
  .strict()
  .openapi('Catalogue');

const LangQuery = z
  .object({
    lang: z
      .enum(langs)
      .optional()
      .openapi({ param: { name: 'lang', in: 'query' }, description: 'Return texts in this language only.' }),
  })
  .strict();

const TermParams = z
  .object({
    kind: z.enum(termKinds).openapi({ param: { name: 'kind', in: 'path' } }),
    code: z
      .string()
      .regex(CODE_PATTERN, 'must be a kebab-case code')
      .openapi({ param: { name: 'code', in: 'path' }, example: 'mobility-planning' }),
  })
  .strict();

const termJson = (t: CatalogueTerm, lang: Lang | undefined) => (lang ? localiseTerm(t, lang) : t);

/** `GET /v1/catalogue` and `GET /v1/catalogue/{kind}/{code}`: the public vocabulary. */
export function catalogueRoutes(deps: AppDeps) {
  const r = newRouter();

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/catalogue',
      tags: ['catalogue'],
      summary: 'The catalogue: purposes, data categories and processing operations',
      request: { query: LangQuery },
      responses: {
        200: { description: 'Every catalogue term, by kind, ordered by code', content: { 'application/json': { schema: Catalogue } } },
        ...problemResponses(400),
      },
    }),
    async (c) => {
      const { lang } = c.req.valid('query');
      const terms = await listCatalogue(deps.db);
      const of = (kind: CatalogueTerm['kind']) => terms.filter((t) => t.kind === kind).map((t) => termJson(t, lang));
      return c.json({ purposes: of('purpose'), categories: of('category'), processing: of('processing') }, 200, {
        'Cache-Control': 'public, max-age=300',
      });
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/v1/catalogue/{kind}/{code}',
      tags: ['catalogue'],
      summary: 'One catalogue term',
      request: { params: TermParams, query: LangQuery },
      responses: {
        200: { description: 'The term', content: { 'application/json': { schema: CatalogueTermSchema } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { kind, code } = c.req.valid('param');
      const { lang } = c.req.valid('query');
      const term = await getTerm(deps.db, kind, code);
      if (!term) throw new NotFoundError('catalogue term');
      return c.json(termJson(term, lang), 200, { 'Cache-Control': 'public, max-age=300' });
    },
  );

  return r;
}
