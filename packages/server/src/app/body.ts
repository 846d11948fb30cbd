import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { errorResponse } from './errors.js';

/** `application/json` or `application/<anything>+json`, in UTF-8 (the charset may be omitted). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  if (header === 'application/json') return true; // what every Tidelog client sends
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/**
 * Read a body stream whole, or stop at the first chunk past `maxBytes` (cancelling the
 * rest): never holds more than `maxBytes` plus one chunk. `undefined` when it is too large.
 */
async function readAtMost(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The body checks of a write route, after auth: 415 unless the content type is JSON,
 * then 413 over `maxBytes`: by Content-Length when the request has one, else by counting
 * the streamed body without buffering more than the limit.
 *
 * Why not `hono/body-limit` (which does the same): its first step reads `c.req.raw.body`,
 * and on @hono/node-server that one property read turns the lightweight request into a
 * full `Request` whose body is a web `ReadableStream` over the socket; the body is then
 * read through web streams instead of node-server's direct buffer read. On a 100-event
 * push that cost more than the whole JSON parse (bench/push-memory.bench.ts). Here a
 * request with a Content-Length never touches `raw.body`; only a streamed one is read
 * (once, counted), and its bytes are kept for `readJson`.
 *
 * @example
 * app.post('/v1/spaces/:space/push', ...jsonBody(limits.maxPushBytes), pushHandler);
 */
export function jsonBody(maxBytes: number): [MiddlewareHandler<AppEnv>, MiddlewareHandler<AppEnv>] {
  const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
    const type = c.req.raw.headers.get('content-type') ?? undefined;
    if (!isJsonContentType(type)) {
      return errorResponse(
        c,
        'UNSUPPORTED_MEDIA_TYPE',
        `the body must be JSON (Content-Type: application/json), got ${JSON.stringify(type ?? null)}`,
      );
    }
    return next();
  };
  const tooLarge = (c: Context<AppEnv>) =>
    errorResponse(c, 'PAYLOAD_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
  const limit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) {
      // The host (Node's HTTP parser, or the runtime) ends the body at Content-Length.
      return Number.parseInt(length, 10) > maxBytes ? tooLarge(c) : next();
    }
    const body = c.req.raw.body;
    if (body === null) return next();
    const bytes = await readAtMost(body, maxBytes);
    if (bytes === undefined) return tooLarge(c);
    c.set('body', bytes);
    return next();
  };
  return [requireJson, limit];
}

// Decodes as `Request.text()` does: UTF-8, a leading BOM dropped, bad bytes as U+FFFD.
const utf8 = new TextDecoder();

/**
 * Read the request body as JSON: the parsed value and the text it was parsed from, or a
 * 400 response when it is not JSON.
 *
 * @example
 * const body = await readJson(c);
 * if (body.response) return body.response;
 */
export async function readJson(
  c: Context<AppEnv>,
): Promise<{ value: unknown; text: string; response?: undefined } | { response: Response }> {
  const read = c.get('body');
  const text = read === undefined ? await c.req.raw.text() : utf8.decode(read);
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      response: errorResponse(c, 'INVALID_REQUEST', `the body is not valid JSON: ${reason.slice(0, 200)}`),
    };
  }
}
