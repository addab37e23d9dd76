/** Citizen sessions (also admins' and officers'): a bearer session token, or the session cookie. */
import type { Authenticator } from '../core/transport.js';

/** Holds the session token a client sends as `Authorization: Bearer …`. */
export class SessionAuth implements Authenticator {
  constructor(public token: string | undefined) {}

  async authorization(): Promise<string | undefined> {
    return this.token ? `Bearer ${this.token}` : undefined;
  }

  /** A refused session cannot be renewed without the citizen's passkey. */
  renew(): boolean {
    return false;
  }
}
