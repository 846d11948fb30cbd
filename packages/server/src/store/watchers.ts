/**
 * Per-space listener sets for `ServerEventStore.watch`. A throwing listener must not stop
 * the others, nor fail the push that woke it: its error is logged.
 *
 * @example
 * const watchers = new Watchers();
 * // in ServerEventStore.watch:  return watchers.add(space, listener);
 * // after a push commits:       watchers.notify(space, head);
 */
export class Watchers {
  readonly #bySpace = new Map<string, Set<(head: number) => void>>();

  /**
   * Add a listener; returns its unsubscribe function (idempotent).
   *
   * @example
   * const watchers = new Watchers();
   * const stop = watchers.add('team-1', (head) => console.log(head));
   * watchers.notify('team-1', 3); // logs 3
   * stop();
   */
  add(space: string, listener: (head: number) => void): () => void {
    let set = this.#bySpace.get(space);
    if (!set) {
      set = new Set();
      this.#bySpace.set(space, set);
    }
    // Wrap so the same function can be subscribed twice and unsubscribed once per call.
    const entry = (head: number) => listener(head);
    set.add(entry);
    return () => {
      const current = this.#bySpace.get(space);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.#bySpace.delete(space);
    };
  }

  /** Spaces with at least one listener. */
  spaces(): string[] {
    return [...this.#bySpace.keys()];
  }

  /** True when `space` has at least one listener. */
  has(space: string): boolean {
    return this.#bySpace.has(space);
  }

  /** Call every listener of `space` with `head`. */
  notify(space: string, head: number): void {
    const set = this.#bySpace.get(space);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(head);
      } catch (error) {
        console.error(`tidelog: a watch listener of space "${space}" threw`, error);
      }
    }
  }

  clear(): void {
    this.#bySpace.clear();
  }
}
