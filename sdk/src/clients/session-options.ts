import type { TransportOptions } from '../core/transport.js';

/** Options of the citizen, officer and admin clients. */
export interface SessionClientOptions extends TransportOptions {
  /**
   * The session token from sign-up or sign-in. Leave it out in a browser on the server's own
   * origin, where the `__Host-permis_session` cookie authenticates (`credentials: 'include'`
   * across origins).
   */
  sessionToken?: string;
}
