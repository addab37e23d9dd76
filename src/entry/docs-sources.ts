/** The API reference's files on Node: read once from the installed `swagger-ui-dist` package. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildDocsAssets, type DocsAssets } from '../http/docs-page.js';

let loaded: Promise<DocsAssets> | undefined;

/** The `/docs` page and its hashed assets, built on first use and shared by every app in the process. */
export function nodeDocsAssets(): Promise<DocsAssets> {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8');
    loaded = buildDocsAssets({ bundle: read('swagger-ui-bundle.js'), css: read('swagger-ui.css') });
  }
  return loaded;
}
