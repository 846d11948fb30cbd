/**
 * The listeners of a store: each is told in turn, and one that throws is logged, never
 * allowed to undo a committed write or starve the others. Shared by `MemoryEventStore`
 * and the IndexedDB store for event batches and local (outbox, rejected) changes.
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
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#set]) {
      try {
        listener(value);
      } catch (error) {
        console.error('tidelog: a store listener threw', error);
      }
    }
  }

  clear(): void {
    this.#set.clear();
  }
}
