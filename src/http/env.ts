import type { AppDeps, CitizenPrincipal, ServicePrincipal } from '../core/deps.js';

/** Hono environment type shared by all API routes. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** The authenticated citizen, set by the session middleware. */
    citizen: CitizenPrincipal;
    /** The authenticated city service, set by the service-token middleware. */
    service: ServicePrincipal;
  };
}
