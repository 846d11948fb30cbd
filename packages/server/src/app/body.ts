import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './context.js';
import { errorResponse } from './errors.js';

/** `application/json` or `application/<anything>+json`, in UTF-8 (the charset may be omitted). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/**
 * The body checks of a write route, after auth: 415 unless the content type is JSON,
 * then 413 over `maxBytes` (Hono's bodyLimit: by Content-Length, or by counting a
 * streamed body without buffering more than the limit).
 *
 * @example
 * app.post('/v1/spaces/:space/push', ...jsonBody(limits.maxPushBytes), pushHandler);
 */
export function jsonBody(maxBytes: number): [MiddlewareHandler<AppEnv>, MiddlewareHandler<AppEnv>] {
  const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!isJsonContentType(c.req.header('content-type'))) {
      return errorResponse(
        c,
        'UNSUPPORTED_MEDIA_TYPE',
        `the body must be JSON (Content-Type: application/json), got ${JSON.stringify(c.req.header('content-type') ?? null)}`,
      );
    }
    return next();
  };
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', `the body is larger than ${maxBytes} bytes`),
  });
  return [requireJson, limit];
}

/**
 * Read the request body as JSON; `undefined` with a 400 response when it is not JSON.
 *
 * @example
 * const body = await readJson(c);
 * if (body.response) return body.response;
 */
export async function readJson(
  c: Context,
): Promise<{ value: unknown; response?: undefined } | { response: Response }> {
  const text = await c.req.text();
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      response: errorResponse(c, 'INVALID_REQUEST', `the body is not valid JSON: ${reason.slice(0, 200)}`),
    };
  }
}
