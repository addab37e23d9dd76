/* global module -- a CommonJS config file, read by dependency-cruiser */
// The layering of Permís, checked by `npm run lint` (dependency-cruiser). The layers:
//   core   = everything under src/ except the faces, web/, entry/ and devtools/ — operations
//            (account/, catalogue/, consent/, erasure/, keys/, log/, oauth/, officer/, roles/, services/, webhooks/, jobs/),
//            repositories (storage/), pure rules (domain/), cryptography (crypto/), kernel types (core/)
//   faces  = src/http/ (the JSON API) and src/portal/ (the HTML pages)
//   web/   = plumbing both faces share (cookies, query parsing); entry/ = composition root.
// Type-only imports count like any other (tsPreCompilationDeps): a type from a face in the
// core couples the core to that face just the same, and type cycles are still cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // A cycle means two modules cannot be understood, tested or moved one without the other.
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      // The core is shared by both faces and every runtime: it must not know how it is served.
      name: 'core-not-to-faces',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(http|portal|web|entry|devtools)/' },
      to: { path: '^src/(http|portal|web|entry)/' },
    },
    {
      // Shared web plumbing serves both faces, so it can depend on neither (nor on the composition root).
      name: 'web-not-to-faces',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/(http|portal|entry)/' },
    },
    {
      // The faces are thin adapters over the same operations; one face importing the other hides a rule in a face.
      name: 'http-not-to-portal',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/portal/' },
    },
    {
      // Same rule, the other way round.
      name: 'portal-not-to-http',
      severity: 'error',
      from: { path: '^src/portal/' },
      to: { path: '^src/http/' },
    },
    {
      // domain/ holds pure rules that any layer may call: no database, no keys, no network.
      name: 'domain-is-pure',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      // domain/ may use pure libraries (zod, the SDK's encoding) but no package that does I/O.
      name: 'domain-no-io-packages',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/(zod|vitest)/' },
    },
    {
      // crypto/ signs, hashes and seals; reading and writing rows is storage/'s job, so crypto runs no SQL.
      name: 'crypto-not-to-storage',
      severity: 'error',
      from: { path: '^src/crypto/' },
      to: { path: '^src/(storage|keys|log|account|catalogue|consent|erasure|jobs|oauth|officer|roles|services|webhooks)/' },
    },
    {
      // storage/ only reads and writes rows: it calls no operation.
      name: 'storage-not-to-operations',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/(account|catalogue|consent|erasure|jobs|keys|log|oauth|officer|roles|services|webhooks)/' },
    },
    {
      // The core runs on Cloudflare Workers too: Node built-ins only in src/entry/ and tooling.
      name: 'node-builtins-only-in-entry',
      severity: 'error',
      from: { path: '^(src|sdk/src)/', pathNot: '^(src/entry|src/devtools|sdk/src/cli)/|\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/portal/assets/generated\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
