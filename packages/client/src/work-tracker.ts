/**
 * Counts background work (projection updates, process-manager dispatches, commands) so
 * `runtime.settled()` can wait until everything has run, without polling or sleeping.
 *
 * @example
 * const tracker = new WorkTracker();
 * tracker.track(doSomething());
 * await tracker.idle();
 */
export class WorkTracker {
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight++;
    const done = () => {
      this.#inFlight--;
      // Work often schedules more work in its continuation: look again after a macrotask-free hop.
      if (this.#inFlight === 0) queueMicrotask(() => this.#wake());
    };
    work.then(done, done);
    return work;
  }

  #wake(): void {
    if (this.#inFlight !== 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once no tracked work is running. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
