// Verifies a consent receipt with nothing but the published JWKS and standard libraries, as
// docs/verification.md shows (it includes the part between `#region` and `#endregion`):
//   node docs/examples/verify-receipt.mjs <server URL> <receipt.jws>
import { readFileSync } from 'node:fs';

const issuer = (process.argv[2] ?? 'https://permis.example.cat').replace(/\/+$/, '');
const receiptJws = readFileSync(process.argv[3] ?? 'receipt.jws', 'utf8').trim();

// #region verify
import { createLocalJWKSet, jwtVerify } from 'jose';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

const jwks = await (await fetch(`${issuer}/.well-known/jwks.json`)).json(); // issuer: e.g. https://permis.example.cat
const { payload } = await jwtVerify(receiptJws, createLocalJWKSet(jwks), {
  algorithms: ['EdDSA'],
  typ: 'consent-receipt+jwt',
  issuer,
});
const termsHash = createHash('sha256').update(canonicalize(payload.terms)).digest('base64url');
if (termsHash !== payload.termsHash) throw new Error('terms do not match their hash');
// Chain: each receipt's predecessorHash is the SHA-256 of the previous receipt's JWS text.
// #endregion verify

console.log(`receipt ${payload.jti}: ${payload.event}, revision ${payload.revision}, signature and termsHash verified`);
