import type { DocsAsset, DocsAssets } from '../core/docs-assets.js';

/**
 * The browsable API reference at `/docs`: Swagger UI (the `swagger-ui-dist` package, Apache-2.0)
 * served by this server from the installed package under content-hashed names, so it works
 * on a network with no way out and its Content-Security-Policy names no other origin. The
 * runtime entry reads the package's files (Node: from node_modules; Workers: bundled as text)
 * and hands them in; this module names them by hash and writes the page.
 */

/** Swagger UI's own files, as the entry read them from the installed `swagger-ui-dist`. */
export interface DocsSources {
  /** `swagger-ui-bundle.js`. */
  bundle: string;
  /** `swagger-ui.css`. */
  css: string;
}

export type { DocsAsset, DocsAssets } from '../core/docs-assets.js';

/** Where the assets are served. */
export const DOCS_ASSET_PREFIX = '/docs/assets/';

// Our start-up script, a file of its own so that the page needs no inline script. No
// validator (Swagger UI would send the document to validator.swagger.io otherwise).
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#reference',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

const PAGE_CSS = `body { margin: 0; font-family: system-ui, sans-serif; }
.docs-header { padding: 0.75rem 1.25rem; border-bottom: 1px solid #d0d7de; }
.docs-header h1 { margin: 0; font-size: 1.25rem; }
.docs-header p { margin: 0.25rem 0 0; color: #3a4450; }
`;

async function hashName(name: string, body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)));
  const hex = Array.from(digest.subarray(0, 5), (b) => b.toString(16).padStart(2, '0')).join('');
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hex}${name.slice(dot)}`;
}

/** Names every file by its SHA-256 (immutable, cacheable forever) and writes the page that loads them. */
export async function buildDocsAssets(src: DocsSources): Promise<DocsAssets> {
  const files: [string, string, string][] = [
    ['swagger-ui-bundle.js', src.bundle, 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', src.css, 'text/css; charset=utf-8'],
    ['docs-init.js', INIT_SCRIPT, 'text/javascript; charset=utf-8'],
    ['docs.css', PAGE_CSS, 'text/css; charset=utf-8'],
  ];
  const assets = new Map<string, DocsAsset>();
  const names: Record<string, string> = {};
  for (const [name, body, contentType] of files) {
    const hashed = await hashName(name, body);
    names[name] = `${DOCS_ASSET_PREFIX}${hashed}`;
    assets.set(hashed, { body, contentType });
  }
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Permís API reference</title>
<link rel="stylesheet" href="${names['swagger-ui.css']}">
<link rel="stylesheet" href="${names['docs.css']}">
</head>
<body>
<header class="docs-header"><h1>Permís API reference</h1><p>The OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a></p></header>
<main id="reference"></main>
<script src="${names['swagger-ui-bundle.js']}"></script>
<script src="${names['docs-init.js']}"></script>
</body>
</html>
`;
  return { html, assets };
}
