import { ValidationError } from './errors.js';

/** Stream ids and space names: 1–200 chars of `[A-Za-z0-9._:@/-]`. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9._:@/-]{1,200}$/;

/**
 * True when `value` may be used as a stream id (or a space name).
 *
 * @example
 * isValidStreamId('cart-42'); // true
 * isValidStreamId('cart 42'); // false: spaces are not allowed
 */
export function isValidStreamId(value: unknown): value is string {
  return typeof value === 'string' && STREAM_ID_PATTERN.test(value);
}

/**
 * Throw a `ValidationError` unless `value` is a valid stream id.
 *
 * @example
 * assertStreamId('cart-42'); // ok
 * assertStreamId('no spaces'); // throws ValidationError
 */
export function assertStreamId(value: unknown, what = 'streamId'): asserts value is string {
  if (!isValidStreamId(value)) {
    throw new ValidationError(`${what} must be 1-200 characters of [A-Za-z0-9._:@/-]`, [
      { path: what, message: `invalid ${what}: ${JSON.stringify(value)?.slice(0, 60)}` },
    ]);
  }
}
