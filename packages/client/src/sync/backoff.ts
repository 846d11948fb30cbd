/** How long to wait between failed attempts. */
export interface BackoffOptions {
  /** The first cap, in milliseconds (default 100). */
  baseMs: number;
  /** The largest cap, in milliseconds (default 30 000). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 100, maxMs: 30_000 });

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base·2^attempt)).
 * Full jitter spreads devices that failed together (a server restart) over the whole
 * window, so they do not all come back in the same instant.
 *
 * @example
 * backoffDelay(0, Math.random); // somewhere in [0, 100)
 * backoffDelay(20, () => 0.5); // 15 000: capped at 30 s
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  // 2^attempt overflows to Infinity for large attempts; min() keeps it at the cap. Attempts
  // count from 0 (the loop's and the live follower's counters only go up from there).
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

/**
 * The server's `Retry-After` header in milliseconds (seconds or an HTTP date), or undefined.
 *
 * @example
 * retryAfterMs('2', Date.now()); // 2000
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
