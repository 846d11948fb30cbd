/**
 * One queue per key: tasks with the same key run one after another, in the order they
 * were posted (an actor per aggregate instance); tasks with different keys run
 * concurrently. A failed task does not stop the ones behind it.
 *
 * @example
 * const mailbox = new Mailbox();
 * await mailbox.run('counter:c-1', async () => execute());
 */
export class Mailbox {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget idle keys so the map does not grow with every stream ever touched.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /**
   * Run `task` once the tasks queued before it under every one of `keys` have run, and
   * hold all those keys while it runs: tasks posted later under any of them wait for it.
   * Posted under all keys at once, so two such tasks never wait for each other in a cycle.
   */
  runAll<T>(keys: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    if (unique.length === 1) return this.run(unique[0]!, task);
    const previous = Promise.all(unique.map((k) => this.#tails.get(k)));
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    for (const key of unique) this.#tails.set(key, tail);
    void tail.then(() => {
      for (const key of unique) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get busy(): number {
    return this.#tails.size;
  }
}
