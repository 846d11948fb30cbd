import { isValidStreamId } from '@tidelog/core';
import { isWellFormed } from '@tidelog/core/store-kit';
import { MAX_NAME_LENGTH, MAX_VERSION } from './limits.js';

// One rule for well-formed Unicode, core's: event data is checked by the same walk there.
export { isWellFormed };

/**
 * The value rules of the protocol, as plain predicates with their messages. The valibot
 * schemas and the hand-written push validator both use these, so they cannot drift.
 */

/*
 * Speed matters here: these run several times per pushed event. A bounded quantifier such
 * as `{1,200}` makes V8's regexp engine markedly slower than `+` plus a length check, so
 * lengths are checked apart, and the fixed-shape UUID is checked by hand.
 */

export const MESSAGES = {
  id: 'must be a lowercase UUID such as "0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b"',
  streamId: 'must be 1-200 characters of [A-Za-z0-9._:@/-]',
  name: `must be a string of 1-${MAX_NAME_LENGTH} characters without control characters or lone surrogates`,
  version: `must be an integer from 1 to ${MAX_VERSION}`,
  timestamp: 'must be an ISO-8601 UTC timestamp such as "2025-01-31T12:00:00.000Z"',
  position: 'must be a non-negative integer',
} as const;

/** 1 at the char codes of `0-9a-f`; 256 entries so any code's low byte can index it. */
const HEX_DIGIT = new Uint8Array(256);
for (const c of '0123456789abcdef') HEX_DIGIT[c.charCodeAt(0)] = 1;

/** 0 when `value[from..to)` are all lowercase hex digits, else non-zero (no branch per char). */
function nonHex(value: string, from: number, to: number): number {
  let bad = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    bad |= (HEX_DIGIT[c & 0xff]! ^ 1) | (c >> 8);
  }
  return bad;
}

/**
 * True for a canonical lowercase UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits).
 *
 * @example
 * isEventId('0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b'); // true
 */
export function isEventId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  if (
    value.charCodeAt(8) !== 45 /* - */ ||
    value.charCodeAt(13) !== 45 ||
    value.charCodeAt(18) !== 45 ||
    value.charCodeAt(23) !== 45
  ) {
    return false;
  }
  return (
    (nonHex(value, 0, 8) |
      nonHex(value, 9, 13) |
      nonHex(value, 14, 18) |
      nonHex(value, 19, 23) |
      nonHex(value, 24, 36)) ===
    0
  );
}

/**
 * True for a valid stream id or space name, 1–200 characters of `[A-Za-z0-9._:@/-]`: core's
 * `isValidStreamId` itself (written for this hot path), so the two cannot drift.
 *
 * @example
 * isStreamName('cart-42'); // true
 */
export const isStreamName: (value: unknown) => value is string = isValidStreamId;

/**
 * True for an event type, client id or command/correlation/causation id: 1–200
 * characters, none a control character, and well-formed Unicode (no lone surrogate: one
 * such as `"A\ud800B"` has no UTF-8 form, so each database would store it differently).
 *
 * @example
 * isName('ItemAdded'); // true
 * isName('A\ud800B'); // false
 */
export function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= MAX_NAME_LENGTH &&
    !NOT_IN_NAME.test(value)
  );
}

/**
 * What a name may not hold: a control character (C0, U+0000–U+001F, or DEL) or a lone
 * surrogate (the pattern core's `isWellFormed` tests). One regexp, so a name is scanned once.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
const NOT_IN_NAME = /[\0-\x1f\x7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * `isName` for a string parsed from JSON text with no backslash and no DEL (U+007F, see
 * `isEscapeFree`): the JSON grammar keeps control characters U+0000–U+001F out of strings
 * unless escaped, and text decoded from UTF-8 holds no lone surrogate unless escaped, so
 * only the length is left to check. `escapeFree` says the caller knows
 * this holds; without it this is `isName`.
 *
 * @example
 * isNameFromJson(event.type, isEscapeFree(bodyText));
 */
export function isNameFromJson(value: unknown, escapeFree: boolean): value is string {
  return escapeFree
    ? typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME_LENGTH
    : isName(value);
}

/**
 * True for a stream version or schema version: an integer from 1 to `MAX_VERSION`.
 *
 * @example
 * isVersion(1); // true
 * isVersion(0); // false
 */
export function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VERSION;
}

/**
 * True for a position or cursor: a non-negative safe integer.
 *
 * @example
 * isPosition(0); // true
 * isPosition(-1); // false
 */
export function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The value of the two decimal digits at `i`, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * True for an ISO-8601 UTC timestamp naming a real instant:
 * `YYYY-MM-DDTHH:mm:ss(.f{1,9})?Z`. `Date.parse` alone is too lenient (it reads
 * `2024-02-30` as March 1st), so the calendar is checked here. Hand-rolled: it runs for
 * every pushed event.
 *
 * @example
 * isTimestamp('2024-02-29T23:59:59.999Z'); // true
 * isTimestamp('2023-02-29T00:00:00Z'); // false
 */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const n = value.length;
  if (n < 20 || n > 30 || value.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (
    value.charCodeAt(4) !== 45 /* - */ ||
    value.charCodeAt(7) !== 45 ||
    value.charCodeAt(10) !== 84 /* T */ ||
    value.charCodeAt(13) !== 58 /* : */ ||
    value.charCodeAt(16) !== 58
  ) {
    return false;
  }
  const hi = two(value, 0);
  const lo = two(value, 2);
  const month = two(value, 5);
  const day = two(value, 8);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1) return false;
  const hour = two(value, 11);
  const minute = two(value, 14);
  const second = two(value, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (n > 20) {
    // A fraction: '.', then 1-9 digits, then the final 'Z'.
    if (value.charCodeAt(19) !== 46 /* . */ || n === 21) return false;
    for (let i = 20; i < n - 1; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
  }
  // The year is hi * 100 + lo. It is a leap year when divisible by 4, or for a century
  // year (lo 0) by 400: as 100 is divisible by 4, when lo, or for a century year hi, is.
  if (month === 2) return day <= ((lo || hi) % 4 ? 28 : 29);
  // 31 days in odd months up to July, in even ones from August (month 8 flips the low bit).
  return day <= (30 | ((month ^ (month >> 3)) & 1));
}

/**
 * Parse a query-string cursor or count: decimal digits only (no sign, exponent or
 * fraction). Returns `undefined` when the text is not one; a huge value stays a number
 * (possibly Infinity) so callers can clamp or refuse it.
 *
 * @example
 * parseCount('42'); // 42
 * parseCount('4.2'); // undefined
 */
export function parseCount(text: string): number | undefined {
  return /^[0-9]{1,400}$/.test(text) ? Number(text) : undefined;
}
