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
  return c.json(errorBody(code, message, details), ERROR_STATUS[code] as ContentfulStatusCode);
}

/** Core error codes as HTTP codes: a store's `ValidationError` is the client's bad request. */
const CORE_CODES: Record<string, ErrorCode> = {
  VALIDATION_ERROR: 'INVALID_REQUEST',
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  DUPLICATE_EVENT: 'DUPLICATE_EVENT',
  CLOSED: 'SERVICE_UNAVAILABLE',
};

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
    const code = CORE_CODES[error.code] ?? (isErrorCode(error.code) ? error.code : undefined);
    if (code !== undefined) {
      const { message, details } = serializeError(error);
      return { response: errorResponse(c, code, message, details), internal: code === 'INTERNAL' };
    }
  }
  return { response: errorResponse(c, 'INTERNAL', 'internal server error'), internal: true };
}
