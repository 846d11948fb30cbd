import { hasErrorCode, type LocalEventStore, StorageUnavailableError, uuidv7 } from '@tidelog/core';
import type { TidelogWarning } from './types.js';

/** What the runtime hands a function that opens its store. */
export interface StoreContext {
  /** Report something the app should know (in `warnings`, sent to `onWarning`), e.g. a fallback. */
  warn(warning: TidelogWarning): void;
}

/** A function that opens the runtime's store (e.g. `() => openIdbEventStore({ name: 'app' })`). */
export type StoreOpener = (context: StoreContext) => LocalEventStore | Promise<LocalEventStore>;

/** A store, or a function that opens one. */
export type StoreSource = LocalEventStore | StoreOpener;

export interface OpenedStore {
  store: LocalEventStore;
  /** True when the store was opened here (and so is closed with the runtime). */
  owned: boolean;
  /** What the opener reported (`StoreContext.warn`). */
  warnings: TidelogWarning[];
}

/**
 * Open the runtime's store. When persistent storage cannot open (`STORAGE_UNAVAILABLE`:
 * private mode, no IndexedDB, a blocked upgrade) the runtime does not start: it rejects
 * with `STORAGE_UNAVAILABLE`, saying how to opt in to running in memory
 * (`withMemoryFallback`). Other errors are thrown as they are.
 *
 * @example
 * const { store, warnings } = await openStore(() => openIdbEventStore({ name: 'app' }));
 */
export async function openStore(source: StoreSource): Promise<OpenedStore> {
  const warnings: TidelogWarning[] = [];
  if (typeof source !== 'function') return { store: source, owned: false, warnings };
  try {
    return { store: await source({ warn: (w) => warnings.push(w) }), owned: true, warnings };
  } catch (error) {
    if (!hasErrorCode(error, 'STORAGE_UNAVAILABLE')) throw error;
    throw new StorageUnavailableError(
      `the store could not be opened: ${error.message}. To run in memory instead (its events are lost when the runtime stops), pass store: withMemoryFallback(() => openIdbEventStore({ name })) from @tidelog/client`,
      { cause: error },
    );
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
