import type { MessageKey } from '../messages/index.js';
import { Layout } from './layout.js';
import type { Page } from './page.js';

/** A page telling a person what went wrong, in their language, with a way forward. */
export function ErrorPage({ p, message, retryHref }: { p: Page; message: MessageKey; retryHref?: string }) {
  return (
    <Layout p={p} title={p.t('error.title')}>
      <h1>{p.t('error.title')}</h1>
      <p class="lead">{p.t(message)}</p>
      <div class="actions">
        {retryHref ? (
          <a class="button" href={retryHref}>
            {p.t('error.retry')}
          </a>
        ) : null}
        <a class={retryHref ? 'button secondary' : 'button'} href="/">
          {p.t('error.home')}
        </a>
      </div>
    </Layout>
  );
}
