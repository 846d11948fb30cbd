/**
 * The bounds the sync protocol puts on requests. A server may lower or raise the
 * per-push limits (`createSyncServer({ limits })`); the name and value rules are fixed
 * by the protocol so that every server and client agrees on what a valid event is.
 */
export interface ProtocolLimits {
  /** Most events in one push or append; more is a 413 `PAYLOAD_TOO_LARGE`. */
  maxEventsPerPush: number;
  /** Most bytes in one push or append body; more is a 413 `PAYLOAD_TOO_LARGE`. */
  maxPushBytes: number;
  /** Page size of a pull (and of one SSE message) when the request names none. */
  defaultPullLimit: number;
  /** A larger pull `limit` is clamped to this. */
  maxPullLimit: number;
  /**
   * The byte budget of one page (pull, stream read, SSE message): a page stops before the
   * event that would take its events' JSON past this many bytes, and then says `hasMore`.
   * A page always holds at least one event, however large.
   */
  maxPageBytes: number;
}

/** docs/protocol.md "Limits": 1,000 events / 1 MiB per push; pages of 500 events up to 5000, and at most 4 MiB of event JSON. */
export const DEFAULT_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxEventsPerPush: 1000,
  maxPushBytes: 1024 * 1024,
  defaultPullLimit: 500,
  maxPullLimit: 5000,
  maxPageBytes: 4 * 1024 * 1024,
});

/** Longest event `type`, `clientId`, `commandId`, `correlationId`, `causationId`. */
export const MAX_NAME_LENGTH = 200;

/**
 * Highest stream version and `schemaVersion`. 2^31 − 1 fits every store's integer column
 * (a 32-bit `INTEGER` included), so an absurd version is a 400, never a database error.
 */
export const MAX_VERSION = 2_147_483_647;

/** Deepest nesting of objects and arrays inside `data` or `meta` (core's rule: one walk checks it). */
export { MAX_JSON_DEPTH } from '@tidelog/core/store-kit';

/** At most this many issues are reported for one request; the rest are counted. */
export const MAX_ISSUES = 50;

/**
 * Keys refused at any depth of `data` and `meta`: the prototype-pollution vectors of any
 * naive deep merge downstream (`__proto__`, and `constructor` which leads to `.prototype`).
 */
// Marked pure: a bundler cannot know that `Object.freeze` has no side effect, and would keep
// the list in every bundle that imports the package, used or not.
export const FORBIDDEN_KEYS: readonly string[] = /* @__PURE__ */ Object.freeze(['__proto__', 'constructor']);

/**
 * Fill in the defaults for a partial set of limits, refusing nonsense (non-positive or
 * non-integer values) so that a misconfigured server fails at start, not per request.
 *
 * @example
 * resolveLimits({ maxEventsPerPush: 100 }).maxPushBytes; // 1048576
 */
export function resolveLimits(limits: Partial<ProtocolLimits> = {}): ProtocolLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`limits.${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (resolved.defaultPullLimit > resolved.maxPullLimit) {
    throw new RangeError('limits.defaultPullLimit must not exceed limits.maxPullLimit');
  }
  return resolved;
}
