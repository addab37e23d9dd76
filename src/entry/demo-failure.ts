/** How the demo explains a failure: the cause, the address it used, and what to do about it. */

/** A non-2xx answer of the server to one of the demo's calls. */
export class DemoHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} → ${status} ${body}`);
    this.name = 'DemoHttpError';
  }

  /** The problem's `code` (RFC 9457 extension) or the OAuth `error`, when the body has one. */
  get code(): string | undefined {
    try {
      const b = JSON.parse(this.body) as { code?: unknown; error?: unknown };
      return typeof b.code === 'string' ? b.code : typeof b.error === 'string' ? b.error : undefined;
    } catch {
      return undefined;
    }
  }
}

/** What the demo knows when it fails. */
export interface FailureContext {
  base: string;
  /** The server's own issuer (its PUBLIC_URL), when it was read. */
  issuer?: string;
  service?: string;
  keyFile?: string;
}

const causeOf = (err: unknown): string => {
  const c = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (c && typeof c.code === 'string') return c.code;
  if (c && typeof c.message === 'string') return c.message;
  return err instanceof Error ? err.message : String(err);
};

/** The hint for WebAuthn: passkeys are bound to the origin the server expects (its PUBLIC_URL). */
export function originHint(ctx: FailureContext): string {
  const ours = new URL(ctx.base).origin;
  return (
    `Passkeys are bound to an origin: the demo signs for ${ours}, and the server accepts only its PUBLIC_URL` +
    `${ctx.issuer ? ` (${new URL(ctx.issuer).origin})` : ''}. ` +
    `Run the demo with --url <the server's PUBLIC_URL>, or start the server with PUBLIC_URL=${ours}.`
  );
}

/** The lines to print for a failure: what failed, at which address, why, and the way forward. */
export function describeDemoFailure(err: unknown, ctx: FailureContext): string[] {
  if (err instanceof DemoHttpError) {
    const lines = [`demo failed: ${err.method} ${err.url} answered ${err.status}${err.code ? ` ${err.code}` : ''}: ${err.body.slice(0, 500)}`];
    if (err.code === 'passkey_verification_failed' || err.code === 'origin_mismatch') lines.push(originHint(ctx));
    if (err.url.endsWith('/v1/oauth/token') && err.code === 'invalid_client') {
      lines.push(
        `The server did not accept the key in ${ctx.keyFile ?? 'the key file'} for ${ctx.service ?? 'this service'}: ` +
          `make one with \`npm run permis -- services keygen ${ctx.service ?? '<clientId>'}\` (server stopped when on embedded PGlite).`,
      );
    }
    return lines;
  }
  const code = (err as { code?: unknown }).code;
  if (err instanceof TypeError && /fetch failed/.test(err.message)) {
    return [
      `demo failed: cannot reach Permís at ${ctx.base}: ${causeOf(err)}.`,
      'Is the server running (npm start)? The demo uses PUBLIC_URL, else http://localhost:$PORT; --url overrides both.',
    ];
  }
  if (code === 'ENOENT' && ctx.keyFile) {
    return [
      `demo failed: cannot read the service key ${ctx.keyFile} (${causeOf(err)}).`,
      `Make one with \`npm run permis -- services keygen ${ctx.service ?? '<clientId>'}\` (server stopped when on embedded PGlite), or give --key <file>.`,
    ];
  }
  return [`demo failed (server ${ctx.base}): ${err instanceof Error ? err.message : String(err)}`];
}
