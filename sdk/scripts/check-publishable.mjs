// Runs before `npm publish` (prepublishOnly): a package published with provenance (npm's
// SLSA attestation, `publishConfig.provenance`) must name the public source repository it was
// built from, so that the attestation can be checked against it.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
if (!url || !pkg.repository?.directory) {
  process.stderr.write(
    'sdk/package.json: set "repository": { "type": "git", "url": "git+https://<host>/<owner>/<repo>.git", "directory": "sdk" } ' +
      'to the public repository before publishing (npm provenance links the package to it).\n',
  );
  process.exit(1);
}
