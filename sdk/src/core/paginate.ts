/** Cursor pagination (`limit`, `cursor` → `nextCursor`) as async iteration. */
import { PermisError } from './errors.js';

/** One page of a list (some lists carry more, e.g. the access log's checkpoint). */
export interface Page<T = unknown> {
  items: T[];
  nextCursor?: string | null;
}

/** The item type of a page type. */
export type ItemOf<P extends Page> = P['items'][number];

/**
 * A paginated list: `for await (const item of list)` walks every item across pages, fetching
 * each page when needed; `pages()` walks the pages (with whatever else they carry);
 * `first(n)` collects at most n items.
 */
export class Paginated<P extends Page> implements AsyncIterable<ItemOf<P>> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<P>) {}

  /** Every page, from the first, following `nextCursor` until it is null. */
  async *pages(): AsyncGenerator<P, void, undefined> {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.fetchPage(cursor);
      if (!Array.isArray(page?.items)) throw new PermisError('malformed_response', 'a list page without items');
      yield page;
      if (!page.nextCursor) return;
      if (seen.has(page.nextCursor)) throw new PermisError('malformed_response', 'the server repeated a cursor');
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ItemOf<P>, void, undefined> {
    for await (const page of this.pages()) yield* page.items as ItemOf<P>[];
  }

  /** At most `max` items (all of them by default), fetching only the pages needed. */
  async first(max = Number.POSITIVE_INFINITY): Promise<ItemOf<P>[]> {
    const out: ItemOf<P>[] = [];
    if (max <= 0) return out;
    for await (const item of this) {
      out.push(item);
      if (out.length >= max) break;
    }
    return out;
  }
}
