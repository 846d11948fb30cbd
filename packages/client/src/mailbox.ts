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
    return this.#post([key], this.#tails.get(key) ?? Promise.resolve(), task);
  }

  /**
   * Run `task` once the tasks queued before it under every one of `keys` have run, and
   * hold all those keys while it runs: tasks posted later under any of them wait for it.
   * Posted under all keys at once, so two such tasks never wait for each other in a cycle.
   */
  runAll<T>(keys: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    if (unique.length === 1) return this.run(unique[0]!, task);
    return this.#post(unique, Promise.all(unique.map((k) => this.#tails.get(k))), task);
  }

  /** Run `task` after `previous`, as the new tail of every one of `keys`. */
  #post<T>(keys: readonly string[], previous: Promise<unknown>, task: () => Promise<T>): Promise<T> {
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget idle keys so the map does not grow with every stream ever touched.
      for (const key of keys) if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get busy(): number {
    return this.#tails.size;
  }
}
