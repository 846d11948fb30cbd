import { isValidStreamId } from '@tidelog/core';
import { MAX_NAME_LENGTH, MAX_VERSION } from './limits.js';

/**
 * The value rules of the protocol, as plain predicates with their messages. The valibot
 * schemas and the hand-written push validator both use these, so they cannot drift.
 */

/** Canonical lowercase UUID (any version): ids are compared as strings everywhere. */
const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** 1–200 characters, none of them a control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const NAME = /^[^\u0000-\u001f\u007f]{1,200}$/;

/** ISO-8601 in UTC: `YYYY-MM-DDTHH:mm:ss(.fraction)Z`. */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

export const MESSAGES = {
  id: 'must be a lowercase UUID such as "0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b"',
  streamId: 'must be 1-200 characters of [A-Za-z0-9._:@/-]',
  name: `must be a string of 1-${MAX_NAME_LENGTH} characters without control characters`,
  version: `must be an integer from 1 to ${MAX_VERSION}`,
  timestamp: 'must be an ISO-8601 UTC timestamp such as "2025-01-31T12:00:00.000Z"',
  position: 'must be a non-negative integer',
} as const;

/** True for a canonical lowercase UUID. */
export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && EVENT_ID.test(value);
}

/** True for a valid stream id or space name (core's rule). */
export function isStreamName(value: unknown): value is string {
  return isValidStreamId(value);
}

/** True for an event type, client id or command/correlation/causation id. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

/** True for a stream version or schema version: an integer from 1 to `MAX_VERSION`. */
export function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_VERSION;
}

/** True for a position or cursor: a non-negative safe integer. */
export function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for an ISO-8601 UTC timestamp naming a real instant. `Date.parse` alone is too
 * lenient (it reads `2024-02-30` as March 1st), so the calendar is checked here.
 *
 * @example
 * isTimestamp('2024-02-29T23:59:59.999Z'); // true
 * isTimestamp('2023-02-29T00:00:00Z'); // false
 */
export function isTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6]) <= 59;
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
