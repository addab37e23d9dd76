import { newRouter } from '../router.js';
import type { AppDeps } from '../../core/deps.js';
import { authRoutes } from './auth.js';
import { mePasskeyRoutes } from './me-passkeys.js';
import { meSessionRoutes } from './me-sessions.js';

/** Everything about a citizen's account: passkey sign-up/sign-in/sign-out, `/v1/me`, passkeys, sessions. */
export function citizenAccountRoutes(deps: AppDeps) {
  const r = newRouter();
  r.route('/', authRoutes(deps));
  r.route('/', mePasskeyRoutes(deps));
  r.route('/', meSessionRoutes(deps));
  return r;
}
