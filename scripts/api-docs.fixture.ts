// Exports for scripts/api-docs.test.ts: one of each kind of gap the API reference check finds.

/**
 * Documented, with an example: no gap.
 *
 * @example
 * complete(); // 1
 */
export function complete(): number {
  return 1;
}

/** Documented, without an example. */
export function noExample(): number {
  return 2;
}

export function undocumented(): number {
  return 3;
}

/** A type needs a description only. */
export interface Described {
  value: number;
}

export interface NotDescribed {
  value: number;
}

/** A const holding a function is a function to its callers. */
export const arrow = (): number => 4;
