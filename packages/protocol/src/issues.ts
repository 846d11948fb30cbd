import type { ValidationIssue } from '@tidelog/core';
import { isPlainObject } from './json.js';
import { MAX_ISSUES } from './limits.js';

export type { ValidationIssue } from '@tidelog/core';

/** The codes a validation failure maps to: a bad request, or one over the size limits. */
export type ValidationCode = 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE';

/**
 * What every validator returns: the typed value, or the issues (each with a path such as
 * `events[3].meta.timestamp` and a message) and the error code to answer with.
 * Validators never throw.
 */
export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; code: ValidationCode; issues: ValidationIssue[] };

/** A path as a list of keys and indexes, before it is formatted. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Format a path the way JavaScript would access it.
 *
 * @example
 * formatPath(['events', 3, 'meta', 'timestamp']); // 'events[3].meta.timestamp'
 * formatPath(['data', 'a b']); // 'data["a b"]'
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Collects issues up to `MAX_ISSUES`, then only counts them. */
export class IssueList {
  readonly issues: ValidationIssue[] = [];
  #omitted = 0;

  add(path: string, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
    else this.#omitted++;
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** How many issues were added, those left out included. */
  get count(): number {
    return this.issues.length + this.#omitted;
  }

  /** The issues, with a last one saying how many were left out. */
  result(): ValidationIssue[] {
    if (this.#omitted === 0) return this.issues;
    return [...this.issues, { path: '', message: `${this.#omitted} more issue(s) not shown` }];
  }
}

/**
 * A failed validation.
 *
 * @example
 * invalid([{ path: 'limit', message: 'must be at least 1' }]);
 */
export function invalid<T>(
  issues: ValidationIssue[],
  code: ValidationCode = 'INVALID_REQUEST',
): Validation<T> {
  return { ok: false, code, issues };
}

/**
 * The 413 answer to a push or append with more events than allowed.
 *
 * @example
 * tooMany(1200, 1000).code; // 'PAYLOAD_TOO_LARGE'
 */
export function tooMany<T>(count: number, max: number): Validation<T> {
  return invalid(
    [{ path: 'events', message: `${count} events; at most ${max} are allowed in one request` }],
    'PAYLOAD_TOO_LARGE',
  );
}

/**
 * Check a request or response body: refuse one that is not a JSON object, else `check`
 * it; never throws (only exotic inputs, getters that throw or revoked proxies, make a
 * check throw, never parsed JSON).
 *
 * @example
 * checkBody(input, (body) => ({ ok: true, value: body }));
 */
export function checkBody<T>(
  input: unknown,
  check: (body: Record<string, unknown>) => Validation<T>,
): Validation<T> {
  try {
    if (!isPlainObject(input)) return invalid([{ path: '', message: 'the body must be a JSON object' }]);
    return check(input);
  } catch (error) {
    return invalid([{ path: '', message: `could not be read: ${String(error)}` }]);
  }
}
