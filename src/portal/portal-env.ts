import type { Role } from '../domain/roles.js';
import type { AppDeps } from '../core/deps.js';
import type { Locale } from './i18n/locale.js';
import type { T } from './messages/index.js';

/** The signed-in person looking at a page. */
export interface Viewer {
  citizenId: string;
  sessionId: string;
  displayName: string;
  roles: Role[];
  /** The CSRF token every state-changing form of this session must carry (see csrf.ts). */
  csrf: string;
  /** How many of their notifications are unread (shown in the header). */
  unread: number;
}

/** Variables the portal middleware sets on every page request. */
export interface PortalVariables {
  locale: Locale;
  t: T;
  /** The signed-in citizen, if any. */
  viewer: Viewer | undefined;
}

/** Hono environment of the portal's routes. */
export interface PortalEnv {
  Variables: PortalVariables & {
    deps: AppDeps;
    /** Set by the composition root's request-id middleware (`X-Request-Id`). */
    requestId: string;
  };
}
