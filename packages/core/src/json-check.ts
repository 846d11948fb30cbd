import type { ValidationIssue } from './errors.js';

/**
 * Find what keeps `value` from being plain JSON (undefined, functions, NaN, Dates, class
 * instances, cycles…): events are structured-cloned into IndexedDB and sent as JSON, and
 * must read back exactly as written.
 *
 * @example
 * jsonIssues({ at: new Date() }, 'data'); // [{ path: 'data.at', message: 'not plain JSON (Date)' }]
 */
export function jsonIssues(value: unknown, path: string, seen = new Set<object>()): ValidationIssue[] {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return [];
    case 'number':
      return Number.isFinite(value) ? [] : [{ path, message: `not a finite number (${value})` }];
    case 'object': {
      if (value === null) return [];
      if (seen.has(value)) return [{ path, message: 'circular reference' }];
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return [{ path, message: `not plain JSON (${value.constructor?.name ?? 'object'})` }];
      }
      seen.add(value);
      const issues: ValidationIssue[] = [];
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) issues.push(...jsonIssues(v, `${path}[${i}]`, seen));
      } else {
        for (const [k, v] of Object.entries(value)) issues.push(...jsonIssues(v, `${path}.${k}`, seen));
      }
      seen.delete(value);
      return issues;
    }
    default:
      return [{ path, message: `not plain JSON (${typeof value})` }];
  }
}
