import { ValidationError } from './errors.js';

/*
 * Stream ids and space names: 1–200 chars of `[A-Za-z0-9._:@/-]`. The length is checked
 * apart: a bounded quantifier such as `{1,200}` makes V8's regexp engine markedly slower
 * than `+`, and the sync server runs this several times per pushed event
 * (`@tidelog/protocol`'s `isStreamName` is this function).
 */
const STREAM_CHARS = /^[A-Za-z0-9._:@/-]+$/;

/**
 * True when `value` may be used as a stream id (or a space name).
 *
 * @example
 * isValidStreamId('cart-42'); // true
 * isValidStreamId('cart 42'); // false: spaces are not allowed
 */
export function isValidStreamId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 200 && STREAM_CHARS.test(value);
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
