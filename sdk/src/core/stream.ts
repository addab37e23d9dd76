/** Streamed answers (exports), read line by line as they arrive. */
import { PermisError } from './errors.js';

/** The lines of a UTF-8 byte stream (LF or CRLF), without their line ends; a last line without one too. */
export async function* streamLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += decoder.decode(value ?? new Uint8Array(0), { stream: !done });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
      }
      if (done) break;
    }
    if (buffered) yield buffered;
  } catch (err) {
    if (err instanceof TypeError && /decode|encoding/i.test(err.message)) throw new PermisError('malformed_response', 'the stream is not UTF-8', { cause: err });
    throw err instanceof PermisError ? err : new PermisError('network_error', `the stream broke off: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  } finally {
    reader.releaseLock();
  }
}

/** A streamed export: iterate its lines, or take the raw body. Read it once. */
export class StreamedExport implements AsyncIterable<string> {
  constructor(
    /** The raw body, e.g. to pipe into a file. */
    readonly body: ReadableStream<Uint8Array>,
    /** Its media type, e.g. `text/csv` or `application/x-ndjson`. */
    readonly contentType: string,
    /** The file name the server suggests (Content-Disposition), if any. */
    readonly filename: string | undefined,
  ) {}

  [Symbol.asyncIterator](): AsyncGenerator<string, void, undefined> {
    return streamLines(this.body);
  }

  /** For NDJSON exports: each line parsed as JSON. */
  async *records<T = Record<string, unknown>>(): AsyncGenerator<T, void, undefined> {
    for await (const line of this) {
      if (line === '') continue;
      try {
        yield JSON.parse(line) as T;
      } catch (err) {
        throw new PermisError('malformed_response', 'an export line is not JSON', { cause: err });
      }
    }
  }

  /** The whole export as text (for small exports). */
  async text(): Promise<string> {
    return new Response(this.body).text();
  }
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header. */
export function dispositionFilename(header: string | null): string | undefined {
  const m = header ? /filename="([^"]*)"/i.exec(header) : null;
  return m?.[1];
}
