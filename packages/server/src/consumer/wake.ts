/**
 * How a consumer's loop waits: for new events (`notify`), for a timeout, or for `stop`,
 * whichever comes first. A notification that arrives while the loop is busy is kept
 * (`pending`), so the next wait returns at once and no commit is missed.
 */
export class Wake {
  #pending = false;
  #stopped = false;
  #resolve: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** New events may be there. */
  notify(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  /** Forget notifications so far: the loop is about to read everything they announced. */
  clear(): void {
    this.#pending = false;
  }

  /** Every wait returns at once from now on. */
  stop(): void {
    this.#stopped = true;
    this.#resolve?.();
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Resolve on a notification (unless `notified` is false), after `ms`, or on stop.
   *
   * @example
   * await wake.wait(1000); // new events, a second, or stop
   */
  wait(ms: number, notified = true): Promise<void> {
    if (this.#stopped || (notified && this.#pending)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.#timer);
        this.#resolve = undefined;
        resolve();
      };
      this.#timer = setTimeout(done, ms);
      this.#resolve = () => {
        if (this.#stopped || (notified && this.#pending)) done();
      };
    });
  }
}

/**
 * The delay before retry `attempt` (1-based): doubling from `baseMs`, at most `maxMs`,
 * with up to 20% jitter so replicas retrying together spread out.
 *
 * @example
 * backoff(3, { baseMs: 100, maxMs: 10_000 }); // about 400
 */
export function backoff(attempt: number, { baseMs, maxMs }: { baseMs: number; maxMs: number }): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return delay * (1 - Math.random() * 0.2);
}
