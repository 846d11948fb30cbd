import type { LocalEventStore, StoreListener } from '@tidelog/core';

// Test helpers: a store as the runtime sees it, with barriers where a tab could die.

type Overrides = { [K in keyof LocalEventStore]?: LocalEventStore[K] };

/**
 * `store` with some methods replaced; the others are the store's own (bound to it, as the
 * IndexedDB store keeps private fields).
 *
 * @example
 * const slow = intercept(store, { putProcessCheckpoint: async (cp) => { await gate; return store.putProcessCheckpoint(cp); } });
 */
export function intercept(store: LocalEventStore, overrides: Overrides): LocalEventStore {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof Overrides];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * `store` whose commits are never announced to its subscribers: the events are in the
 * database, but the runtime on top is not told, as when a tab closes between the commit
 * and the process manager's turn.
 *
 * @example
 * const runtime = await createTidelog({ aggregates, processManagers, store: unannounced(store) });
 */
export function unannounced(store: LocalEventStore): LocalEventStore {
  return intercept(store, { subscribe: (_listener: StoreListener) => () => undefined });
}

/**
 * A barrier: `reached` resolves when code arrives at `wait()`, which returns once the test
 * calls `release()`.
 *
 * @example
 * const b = barrier(); void work(b.wait); await b.reached; crash(); b.release();
 */
export function barrier(): { reached: Promise<void>; wait: () => Promise<void>; release: () => void } {
  let arrive!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    reached,
    wait: () => {
      arrive();
      return released;
    },
    release,
  };
}
