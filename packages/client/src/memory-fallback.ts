import { hasErrorCode, MemoryEventStore, serializeError } from '@tidelog/core';
import type { StoreOpener } from './open-store.js';

/**
 * Open the store with `open`, and where persistent storage cannot open
 * (`STORAGE_UNAVAILABLE`: private mode, no IndexedDB, a blocked upgrade, a database of a
 * newer format) run on a `MemoryEventStore` instead: `storage` is then `'memory'` and a
 * `STORAGE_FALLBACK` warning is in `warnings` and sent to `onWarning`. Other errors are
 * thrown as they are.
 *
 * An opt-in: events in memory are lost when the runtime stops (a reload, a closed tab) and
 * are never shared with other tabs, which an app must be ready for (say so to the user,
 * sync often). Without it, `createTidelog` rejects with `STORAGE_UNAVAILABLE`. Importing it
 * is also what brings the memory store into a bundle.
 *
 * @example
 * const tidelog = await createTidelog({
 *   aggregates: [Counter],
 *   store: withMemoryFallback(() => openIdbEventStore({ name: 'app' })),
 *   onWarning: (w) => w.code === 'STORAGE_FALLBACK' && showBanner('Changes are not saved on this device'),
 * });
 */
export function withMemoryFallback(open: StoreOpener): StoreOpener {
  return async (context) => {
    try {
      return await open(context);
    } catch (error) {
      if (!hasErrorCode(error, 'STORAGE_UNAVAILABLE')) throw error;
      context.warn({
        code: 'STORAGE_FALLBACK',
        message: `persistent storage is unavailable (${error.message}); events live in memory and are lost when the runtime stops`,
        error: serializeError(error),
      });
      return new MemoryEventStore();
    }
  };
}
