import { TidelogError } from '@tidelog/core';

/**
 * The store cannot take this request now but may soon: overloaded, or restarting a part
 * that failed. The server answers 503 `UNAVAILABLE` with `Retry-After: retryAfter` seconds;
 * a client retries (a push that failed this way may or may not be stored: a re-push is
 * then acknowledged as duplicates).
 *
 * @example
 * throw new UnavailableError('the writer queue is full', 1); // 503, Retry-After: 1
 */
export class UnavailableError extends TidelogError {
  override readonly name = 'UnavailableError';
  readonly code = 'UNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfter = 1,
  ) {
    super(message);
  }
  protected override details() {
    return { retryAfter: this.retryAfter };
  }
}

/**
 * One caller sent more requests than its rate allows. The server answers 429
 * `RATE_LIMITED` with `Retry-After: retryAfter` seconds.
 *
 * @example
 * if (hasErrorCode(error, 'RATE_LIMITED')) await wait(error.retryAfter * 1000);
 */
export class RateLimitedError extends TidelogError {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfter = 1,
  ) {
    super(message);
  }
  protected override details() {
    return { retryAfter: this.retryAfter };
  }
}
