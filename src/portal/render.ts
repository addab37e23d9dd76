import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { PortalEnv } from './portal-env.js';

/** Answers with a rendered page (UTF-8 HTML) and `status`. */
export async function render(c: Context<PortalEnv>, page: Child, status: 200 | 400 | 403 | 404 | 409 | 410 | 500 | 503 = 200): Promise<Response> {
  return c.html(await Promise.resolve(page as never), status);
}
