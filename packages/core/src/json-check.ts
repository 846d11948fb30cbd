import type { ValidationIssue } from './errors.js';

/** Deepest nesting of objects and arrays in event data: what a sync server accepts. */
export const MAX_JSON_DEPTH = 64;

/** A step into a JSON value: an object key or an array index. */
export type JsonPathSegment = string | number;

/** Where `walkJson` reports a problem: its path below the walked value, and why. */
export type JsonIssueSink = (path: JsonPathSegment[], message: string) => void;

/** A surrogate code unit that is not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * True when a string is well-formed Unicode: no lone surrogate (what
 * `String.prototype.isWellFormed` answers, on runtimes that lack it too). JSON text with
 * a lone surrogate is not valid UTF-8: a server refuses it.
 *
 * @example
 * isWellFormed('\ud83d\ude00'); // true (one emoji)
 * isWellFormed('A\ud800B'); // false
 */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/**
 * True for `{}`-style objects: not arrays, class instances, dates or maps.
 *
 * @example
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([1]); // false
 * isPlainObject(new Date()); // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const LONE_SURROGATE_MESSAGE = 'must be well-formed Unicode (it holds a lone surrogate)';

/**
 * Walk `value` (at `depth` below the checked root, at `path`) and report every problem
 * that keeps it from being plain JSON as a sync server accepts it: strings and keys that
 * are not well-formed Unicode, numbers that are not finite (`JSON.stringify` would write
 * `null`), `undefined`, functions, class instances (a `Date`, a `Map`), nesting deeper than
 * `MAX_JSON_DEPTH`, cycles, and the keys `__proto__` and `constructor`
 * (prototype pollution in a naive merge downstream). True when there was none. The one
 * JSON walk of core's and the protocol's reporting checks.
 *
 * @example
 * const problems: string[] = [];
 * walkJson({ a: [1, Infinity] }, [], 0, (path, message) => problems.push(`${path.join('.')}: ${message}`));
 * problems; // ['a.1: must be a finite number']
 */
export function walkJson(
  value: unknown,
  path: JsonPathSegment[],
  depth: number,
  report: JsonIssueSink,
  /** The objects and arrays the walk is inside: one met again closes a cycle. */
  open = new Set<object>(),
): boolean {
  switch (typeof value) {
    case 'string':
      if (isWellFormed(value)) return true;
      report([...path], LONE_SURROGATE_MESSAGE);
      return false;
    case 'boolean':
      return true;
    case 'number':
      if (Number.isFinite(value)) return true;
      report([...path], 'must be a finite number');
      return false;
    case 'object':
      break;
    default:
      report([...path], `${typeof value} is not a JSON value`);
      return false;
  }
  if (value === null) return true;
  // A cycle is reported where it closes: walked to the depth limit, one that branches
  // (`o.a = o; o.b = o`) would take 2^64 steps.
  if (open.has(value)) {
    report([...path], 'is a circular reference');
    return false;
  }
  if (depth >= MAX_JSON_DEPTH) {
    report([...path], `nested more than ${MAX_JSON_DEPTH} levels deep`);
    return false;
  }
  let ok = true;
  open.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (!walkJson(value[i], path, depth + 1, report, open)) ok = false;
      path.pop();
    }
  } else if (!isPlainObject(value)) {
    report([...path], 'must be a plain JSON object or array');
    ok = false;
  } else {
    // for-in allocates no key array; a plain object inherits no enumerable keys (and if
    // Object.prototype were polluted, checking one more value would be harmless).
    for (const key in value) {
      path.push(key);
      if (key === '__proto__' || key === 'constructor') {
        report([...path], `the key "${key}" is not allowed`);
        ok = false;
      } else if (!isWellFormed(key)) {
        report([...path], `the key ${LONE_SURROGATE_MESSAGE}`);
        ok = false;
      } else if (!walkJson(value[key], path, depth + 1, report, open)) ok = false;
      path.pop();
    }
  }
  open.delete(value);
  return ok;
}

/**
 * Find what keeps `value` from being plain JSON (see `walkJson`): events are
 * structured-cloned into IndexedDB and sent as JSON, and must read back exactly as
 * written. Each issue's path starts with `path`.
 *
 * @example
 * jsonIssues({ at: new Date() }, 'data'); // [{ path: 'data.at', message: 'must be a plain JSON object or array' }]
 */
export function jsonIssues(value: unknown, path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkJson(value, [], 0, (at, message) => {
    let full = path;
    for (const step of at) full += typeof step === 'number' ? `[${step}]` : `.${step}`;
    issues.push({ path: full, message });
  });
  return issues;
}
