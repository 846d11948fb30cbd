import type { Json } from '@tidelog/core';
import { hasErrorCode, serializeError } from '@tidelog/core';
import { ERROR_STATUS, type ErrorCode, errorBody, isErrorCode } from '@tidelog/protocol';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Answer with an error body `{ error: { code, message, details? } }` and the code's status.
 *
 * @example
 * return errorResponse(c, 'FORBIDDEN', `this token may not use space "${space}"`);
 */
export function errorResponse(c: Context, code: ErrorCode, message: string, details?: Json): Response {
  // 429 and 503 say when to come back (a client retries them; see the protocol docs).
  if (code === 'RATE_LIMITED' || code === 'UNAVAILABLE')
    c.header('Retry-After', String(retryAfterOf(details)));
  return c.json(errorBody(code, message, details), ERROR_STATUS[code] as ContentfulStatusCode);
}

/** Seconds a client should wait before retrying a 429 or 503: `details.retryAfter`, else 1. */
function retryAfterOf(details: Json | undefined): number {
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) {
    const seconds = details.retryAfter;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return Math.ceil(seconds);
  }
  return 1;
}

/** Core error codes as HTTP codes: a store's `ValidationError` is the client's bad request. */
// A Map: a thrown error's `code` may be any string, `constructor` included.
const CORE_CODES = new Map<string, ErrorCode>([
  ['VALIDATION_ERROR', 'INVALID_REQUEST'],
  ['VERSION_CONFLICT', 'VERSION_CONFLICT'],
  ['DUPLICATE_EVENT', 'DUPLICATE_EVENT'],
  ['CLOSED', 'UNAVAILABLE'],
]);

const STATUS_CODES = new Map<number, ErrorCode>(
  Object.entries(ERROR_STATUS).map(([code, status]) => [status, code as ErrorCode]),
);

/**
 * Map anything thrown by a handler or a store to an error response: Tidelog's coded
 * errors keep their code and details; `HTTPException`s keep their status; everything
 * else is a 500 whose message does not leak internals (the logger gets the error).
 *
 * @example
 * app.onError((error, c) => errorFromThrown(c, error));
 */
export function errorFromThrown(c: Context, error: unknown): { response: Response; internal: boolean } {
  if (error instanceof HTTPException) {
    const code = STATUS_CODES.get(error.status) ?? (error.status >= 500 ? 'INTERNAL' : 'INVALID_REQUEST');
    return { response: errorResponse(c, code, error.message || code), internal: error.status >= 500 };
  }
  if (hasErrorCode(error)) {
    const code = CORE_CODES.get(error.code) ?? (isErrorCode(error.code) ? error.code : undefined);
    if (code !== undefined) {
      const { message, details } = serializeError(error);
      return { response: errorResponse(c, code, message, details), internal: code === 'INTERNAL' };
    }
  }
  return { response: errorResponse(c, 'INTERNAL', 'internal server error'), internal: true };
}
