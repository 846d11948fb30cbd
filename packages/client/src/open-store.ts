import { hasErrorCode, type LocalEventStore, MemoryEventStore, serializeError, uuidv7 } from '@tidelog/core';
import type { TidelogWarning } from './types.js';

/** A store, or a function that opens one (e.g. `() => openIdbEventStore({ name: 'app' })`). */
export type StoreSource = LocalEventStore | (() => LocalEventStore | Promise<LocalEventStore>);

export interface OpenedStore {
  store: LocalEventStore;
  /** True when the store was opened here (and so is closed with the runtime). */
  owned: boolean;
  warning?: TidelogWarning;
}

/**
 * Open the runtime's store. When persistent storage cannot open (`STORAGE_UNAVAILABLE`:
 * private mode, no IndexedDB) it falls back to a `MemoryEventStore` and says so with a
 * `STORAGE_FALLBACK` warning; other errors are thrown.
 *
 * @example
 * const { store, warning } = await openStore(() => openIdbEventStore({ name: 'app' }));
 */
export async function openStore(source: StoreSource | undefined): Promise<OpenedStore> {
  if (source === undefined) return { store: new MemoryEventStore(), owned: true };
  if (typeof source !== 'function') return { store: source, owned: false };
  try {
    return { store: await source(), owned: true };
  } catch (error) {
    if (!hasErrorCode(error, 'STORAGE_UNAVAILABLE')) throw error;
    return {
      store: new MemoryEventStore(),
      owned: true,
      warning: {
        code: 'STORAGE_FALLBACK',
        message: `persistent storage is unavailable (${error.message}); events live in memory and are lost when the runtime stops`,
        error: serializeError(error),
      },
    };
  }
}

/**
 * This device's id: read from the store, or minted (UUID v7) and stored the first time.
 *
 * @example
 * const clientId = await deviceClientId(store);
 */
export async function deviceClientId(store: LocalEventStore): Promise<string> {
  const stored = await store.getMeta('clientId');
  if (typeof stored === 'string') return stored;
  const clientId = uuidv7();
  await store.setMeta('clientId', clientId);
  return clientId;
}
