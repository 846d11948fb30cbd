/**
 * Values by stream and aggregate type, as nested maps: a stream id or a type may hold any
 * character (`:` included) without two keys meeting, and a stream's entries of every type
 * are found without parsing keys back.
 *
 * @example
 * const table = new StreamTable<number>();
 * table.set('cart:1', 'cart', 3);
 * table.ofStream('cart:1'); // [['cart', 3]]
 */
export class StreamTable<V> {
  readonly #streams = new Map<string, Map<string, V>>();
  #size = 0;

  get(streamId: string, type: string): V | undefined {
    return this.#streams.get(streamId)?.get(type);
  }

  set(streamId: string, type: string, value: V): void {
    let types = this.#streams.get(streamId);
    if (!types) {
      types = new Map();
      this.#streams.set(streamId, types);
    }
    if (!types.has(type)) this.#size++;
    types.set(type, value);
  }

  delete(streamId: string, type: string): boolean {
    const types = this.#streams.get(streamId);
    if (!types?.delete(type)) return false;
    this.#size--;
    if (types.size === 0) this.#streams.delete(streamId);
    return true;
  }

  /** The entries of one stream, by type. */
  ofStream(streamId: string): [string, V][] {
    return [...(this.#streams.get(streamId) ?? [])];
  }

  streams(): string[] {
    return [...this.#streams.keys()];
  }

  *values(): IterableIterator<V> {
    for (const types of this.#streams.values()) yield* types.values();
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#streams.clear();
    this.#size = 0;
  }
}
