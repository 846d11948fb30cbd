/**
 * A set of listeners: each is told in turn, and one that throws is logged, never allowed
 * to undo a committed write or starve the others. Shared by `MemoryEventStore` and the
 * IndexedDB store for event batches and local (outbox, rejected) changes, and by the
 * client runtime for its subscribers.
 *
 * @example
 * const listeners = new StoreListeners<readonly Envelope[]>();
 * const off = listeners.add((events) => console.log(events.length));
 * listeners.emit(events);
 * off();
 */
export class StoreListeners<T> {
  readonly #set = new Set<(value: T) => void>();

  /** Add a listener; returns its unsubscribe. */
  add(listener: (value: T) => void): () => void {
    // Wrap so the same function added twice is two subscriptions, each removed once.
    const entry = (value: T) => listener(value);
    this.#set.add(entry);
    return () => {
      this.#set.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#set]) {
      try {
        listener(value);
      } catch (error) {
        console.error('tidelog: a listener threw', error);
      }
    }
  }

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#set.size;
  }

  clear(): void {
    this.#set.clear();
  }
}
