/**
 * A set of listeners. A listener that throws is reported and does not stop the others.
 *
 * @example
 * const listeners = new Listeners<number>();
 * const off = listeners.add((n) => console.log(n));
 * listeners.emit(1);
 * off();
 */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();

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

  get size(): number {
    return this.#set.size;
  }

  clear(): void {
    this.#set.clear();
  }
}
