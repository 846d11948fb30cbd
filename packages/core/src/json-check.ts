import type { ValidationIssue } from './errors.js';

/** Deepest nesting of objects and arrays in event data: what a sync server accepts. */
export const MAX_JSON_DEPTH = 64;

/**
 * Find what keeps `value` from being plain JSON (undefined, functions, NaN, Dates, class
 * instances, cycles…): events are structured-cloned into IndexedDB and sent as JSON, and
 * must read back exactly as written. Also what a sync server refuses in event data and
 * that this walk sees for free: nesting deeper than `MAX_JSON_DEPTH`, and the keys
 * `__proto__` and `constructor` (prototype pollution in a naive merge downstream).
 *
 * @example
 * jsonIssues({ at: new Date() }, 'data'); // [{ path: 'data.at', message: 'not plain JSON (Date)' }]
 */
export function jsonIssues(
  value: unknown,
  path: string,
  seen = new Set<object>(),
  depth = 0,
): ValidationIssue[] {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return [];
    case 'number':
      return Number.isFinite(value) ? [] : [{ path, message: `not a finite number (${value})` }];
    case 'object': {
      if (value === null) return [];
      if (seen.has(value)) return [{ path, message: 'circular reference' }];
      if (depth >= MAX_JSON_DEPTH)
        return [{ path, message: `nested more than ${MAX_JSON_DEPTH} levels deep` }];
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return [{ path, message: `not plain JSON (${value.constructor?.name ?? 'object'})` }];
      }
      seen.add(value);
      const issues: ValidationIssue[] = [];
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) issues.push(...jsonIssues(v, `${path}[${i}]`, seen, depth + 1));
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (k === '__proto__' || k === 'constructor')
            issues.push({ path: `${path}.${k}`, message: 'key not allowed' });
          else issues.push(...jsonIssues(v, `${path}.${k}`, seen, depth + 1));
        }
      }
      seen.delete(value);
      return issues;
    }
    default:
      return [{ path, message: `not plain JSON (${typeof value})` }];
  }
}
