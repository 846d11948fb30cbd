/**
 * What graceful shutdown needs: refuse new work once closing, wait for the requests in
 * flight (pushes above all: a client that got no answer re-pushes, but one that did must
 * find its events), and end every open SSE stream.
 */
export class Lifecycle {
  #closing = false;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #closers = new Set<() => void>();

  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Run `work` as an in-flight request: `close()` waits for it.
   *
   * @example
   * await lifecycle.track(next());
   */
  async track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    try {
      return await work;
    } finally {
      this.#inFlight.delete(work);
    }
  }

  /**
   * Register a long-lived task (an SSE stream): `stop` is called on close, and close waits
   * for `done`; the task is forgotten once `done` settles.
   *
   * @example
   * lifecycle.hold(() => loop.stop(), loop.done);
   */
  hold(stop: () => void, done: Promise<unknown>): void {
    if (this.#closing)
      stop(); // started while closing: end at once, but still wait for it
    else this.#closers.add(stop);
    this.#inFlight.add(done);
    void done.finally(() => {
      this.#closers.delete(stop);
      this.#inFlight.delete(done);
    });
  }

  /**
   * Stop taking work, stop every long-lived task, and wait until nothing is in flight or
   * `deadlineMs` has passed. True when everything drained; false at the deadline, with
   * requests still open (a client stalled mid-body: only closing its connection ends it).
   *
   * @example
   * if (!(await lifecycle.close(10_000))) server.closeAllConnections();
   */
  async close(deadlineMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    this.#closing = true;
    for (const stop of [...this.#closers]) stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<false>((resolve) => {
      if (Number.isFinite(deadlineMs)) timer = setTimeout(() => resolve(false), deadlineMs);
    });
    const drained = (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      return true as const;
    })();
    try {
      return await Promise.race([drained, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
