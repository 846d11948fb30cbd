/**
 * The number of open live subscriptions of one Durable Object, with a way to wait until it
 * reaches a value (tests and graceful hand-offs wait on this, never on time).
 */
export class LiveCount {
  #count = 0;
  readonly #waiters = new Set<{ count: number; resolve: () => void }>();

  get count(): number {
    return this.#count;
  }

  /** One more subscription; returns its release (idempotent). */
  open(): () => void {
    this.#set(this.#count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#set(this.#count - 1);
    };
  }

  /**
   * Resolves once the count equals `count`.
   *
   * @example
   * await live.reaches(0); // every subscriber is gone
   */
  reaches(count: number): Promise<void> {
    if (this.#count === count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ count, resolve }));
  }

  #set(count: number): void {
    this.#count = count;
    for (const waiter of [...this.#waiters]) {
      if (waiter.count !== count) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
