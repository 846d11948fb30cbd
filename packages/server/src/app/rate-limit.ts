/** Per-token request rates: a token bucket per bearer token. */
export interface RateLimitOptions {
  /** Requests a token may make per second, sustained (default 100). */
  requestsPerSecond: number;
  /** Requests a token may make at once after being idle (default 500). */
  burst: number;
}

/** Each bearer token's default rate: 100 requests a second, bursts of up to 500. */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({
  requestsPerSecond: 100,
  burst: 500,
});

/** Most tokens tracked at once; past it, full buckets (idle tokens) are forgotten first. */
const MAX_TOKENS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * One token bucket per key (a bearer token), in a `Map`: a key may be any string. A bucket
 * holds up to `burst` requests and refills at `requestsPerSecond`; a bucket that is full
 * again is the same as none, so idle keys are dropped when the map grows.
 *
 * @example
 * const buckets = new TokenBuckets({ requestsPerSecond: 10, burst: 20 });
 * const wait = buckets.take('secret-token', Date.now()); // 0: go ahead
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #options: RateLimitOptions;

  constructor(options: Partial<RateLimitOptions> = {}) {
    this.#options = { ...DEFAULT_RATE_LIMIT, ...options };
    const { requestsPerSecond, burst } = this.#options;
    if (!(Number.isFinite(requestsPerSecond) && requestsPerSecond > 0)) {
      throw new RangeError('rateLimit.requestsPerSecond must be a positive number');
    }
    if (!(Number.isSafeInteger(burst) && burst >= 1))
      throw new RangeError('rateLimit.burst must be a positive integer');
  }

  /** Take one request for `key` at `now` (ms): 0 when it may go, else the seconds until one may. */
  take(key: string, now: number): number {
    const { requestsPerSecond, burst } = this.#options;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TOKENS) this.#forgetIdle(now);
      bucket = { tokens: burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * requestsPerSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / requestsPerSecond;
  }

  /**
   * Drop buckets that have refilled, then the oldest (Map order) until a tenth of the room
   * is free, so a sweep runs once per thousand new tokens, not once per request.
   */
  #forgetIdle(now: number): void {
    const { requestsPerSecond, burst } = this.#options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * requestsPerSecond >= burst) this.#buckets.delete(key);
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < MAX_TOKENS * 0.9) break;
      this.#buckets.delete(key);
    }
  }
}
