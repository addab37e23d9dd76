/** The API reference's page and files as a runtime entry hands them to the app (built by src/http/docs-page.ts). */

/** One file served under `/docs/assets/`. */
export interface DocsAsset {
  body: string;
  contentType: string;
}

/** The page and its assets, ready to serve. */
export interface DocsAssets {
  html: string;
  /** By file name (with its hash), e.g. `swagger-ui-bundle.3f2a9c1e04.js`. */
  assets: Map<string, DocsAsset>;
}
