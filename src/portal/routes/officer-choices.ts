import type { Lang } from '../../domain/catalogue.js';
import type { AppDeps } from '../../core/deps.js';
import { listCatalogue } from '../../storage/catalogue-repo.js';
import { listServices } from '../../storage/services-repo.js';
import type { FilterChoices } from '../views/officer-filter-form.js';

/** Most services listed in the filter's drop-down (pages of 100). */
const MAX_SERVICES = 1000;

/**
 * The drop-down choices of the officer's filters: every registered service (suspended too)
 * and the catalogue's purposes and data categories, labelled in the page's language.
 */
export async function filterChoices(deps: AppDeps, lang: Lang): Promise<FilterChoices> {
  const services: FilterChoices['services'] = [];
  let cursor: string | undefined;
  do {
    const page = await listServices(deps.db, { limit: 100, cursor });
    for (const s of page.items) services.push({ value: s.id, label: `${s.name[lang]} (${s.clientId})` });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && services.length < MAX_SERVICES);
  const terms = await listCatalogue(deps.db);
  const of = (kind: 'purpose' | 'category') =>
    terms.filter((x) => x.kind === kind).map((x) => ({ value: x.code, label: `${x.label[lang]} (${x.code})` }));
  return { services, purposes: of('purpose'), categories: of('category') };
}
