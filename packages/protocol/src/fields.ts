import type { IssueList } from './issues.js';

/** A field of a body: its key, its rule, the message when it breaks it, and whether it may be absent. */
export type Field = readonly [
  key: string,
  rule: (value: unknown) => boolean,
  message: string,
  optional?: true,
];

/**
 * Check `fields` of `body`, each problem under `at` + its key ("is required" when absent),
 * and build a fresh object of exactly those fields (an optional one only when present).
 * `allOptional`: every field may be absent.
 *
 * @example
 * pick({ head: 3 }, [['head', isPosition, MESSAGES.position]], issues); // { head: 3 }
 */
export function pick<T>(
  body: Record<string, unknown>,
  fields: readonly Field[],
  issues: IssueList,
  at = '',
  allOptional = false,
): T {
  const out: Record<string, unknown> = {};
  for (const [key, rule, message, optional] of fields) {
    const value = body[key];
    if (value === undefined && (optional || allOptional)) continue;
    if (!rule(value)) issues.add(`${at}${key}`, value === undefined ? 'is required' : message);
    out[key] = value;
  }
  return out as T;
}
