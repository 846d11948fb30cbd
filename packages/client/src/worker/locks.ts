import { uuidv7 } from '@tidelog/core';

/** The part of the Web Locks API (`navigator.locks`) the bridge uses. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
  request(name: string, callback: (lock: unknown) => unknown): Promise<unknown>;
}

/**
 * This realm's Web Locks, or `undefined` where there are none (Node, old browsers).
 *
 * @example
 * const locks = locksOf();
 * if (locks) void locks.request('app:leader', () => lead());
 */
export function locksOf(): LockManagerLike | undefined {
  return (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
}

/** A promise that never settles: returned from a lock callback, it holds the lock for good. */
export const forever = (): Promise<never> => new Promise<never>(() => undefined);

/**
 * Take a lock with a fresh name (`prefix` + a UUID) and hold it for as long as this realm
 * lives (a tab, a worker): the browser frees it when the realm goes away, so whoever waits
 * for it learns of that. Resolves with the name once held, `undefined` without Web Locks.
 *
 * @example
 * const name = await holdLifeLock('tidelog:tab:');
 */
export async function holdLifeLock(prefix: string): Promise<string | undefined> {
  const locks = locksOf();
  if (!locks) return undefined;
  const name = `${prefix}${uuidv7()}`;
  await new Promise<void>((held) => {
    void locks.request(name, () => {
      held();
      return forever();
    });
  });
  return name;
}

/**
 * Call `onFree` once the lock `name` is free (its holder's realm is gone), unless `signal`
 * aborts first. The lock is let go at once, so that every waiter learns of it in turn.
 *
 * @example
 * whenFree(hello.lifeLock, () => markLost(), controller.signal);
 */
export function whenFree(name: string, onFree: () => void, signal?: AbortSignal): void {
  const locks = locksOf();
  if (!locks) return;
  locks.request(name, { signal }, () => onFree()).catch(() => undefined);
}

/**
 * Take the lock `name` if nobody holds it, and then hold it for as long as this realm
 * lives. True when this realm got it.
 *
 * @example
 * if (await holdIfFree(locks, 'tidelog:leader:app')) startWorker();
 */
export function holdIfFree(locks: LockManagerLike, name: string): Promise<boolean> {
  return new Promise<boolean>((decided) => {
    void locks.request(name, { ifAvailable: true }, (lock) => {
      decided(lock !== null);
      return lock === null ? undefined : forever();
    });
  });
}
