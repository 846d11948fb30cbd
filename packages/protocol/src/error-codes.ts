import type { Json, ValidationIssue } from '@tidelog/core';

/** Every error code the sync protocol answers with, and its HTTP status. */
export const ERROR_STATUS = Object.freeze({
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VERSION_CONFLICT: 409,
  DUPLICATE_EVENT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const);

/** A protocol error code: `INVALID_REQUEST`, `UNAUTHORIZED`, `VERSION_CONFLICT`, … */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP status of a code. */
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** The body of every error response: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Json;
  };
}

/**
 * True for a code this protocol version defines.
 *
 * @example
 * isErrorCode('VERSION_CONFLICT'); // true
 * isErrorCode('TEAPOT'); // false
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * Build an error body. `details` is left out when undefined, so bodies stay minimal.
 *
 * @example
 * errorBody('FORBIDDEN', 'this token may not use space "team-2"');
 * // { error: { code: 'FORBIDDEN', message: 'this token may not use space "team-2"' } }
 */
export function errorBody(code: ErrorCode, message: string, details?: Json): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/**
 * The error body for a failed validation: its code, a message naming the first issue,
 * and every issue in `details.issues`.
 *
 * @example
 * const result = validatePushRequest(body);
 * if (!result.ok) return Response.json(validationErrorBody(result), { status: ERROR_STATUS[result.code] });
 */
export function validationErrorBody(failure: {
  code: 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE';
  issues: ValidationIssue[];
}): ErrorBody {
  const first = failure.issues[0];
  const where = first
    ? first.path === ''
      ? first.message
      : `${first.path}: ${first.message}`
    : 'invalid request';
  const more = failure.issues.length > 1 ? ` (and ${failure.issues.length - 1} more)` : '';
  return errorBody(failure.code, `${where}${more}`, {
    issues: failure.issues.map((i) => ({ path: i.path, message: i.message })),
  });
}
