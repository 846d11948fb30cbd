import type { SerializedError } from '@tidelog/core';
import { disabledSync } from '../disabled-sync.js';
import { Listeners } from '../listeners.js';
import type { Unsubscribe } from '../types.js';
import type { SyncStatus } from './host.js';

/** A change to the status; `lastError: undefined` clears it. */
export type StatusPatch = Partial<Omit<SyncStatus, 'lastError'>> & {
  lastError?: SerializedError | undefined;
};

/**
 * The loop's status: one frozen object replaced on each change, so `getSnapshot()` is
 * stable between changes (what `useSyncExternalStore` needs) and listeners hear only
 * real changes.
 *
 * @example
 * const status = new StatusStore();
 * status.subscribe((s) => console.log(s.state));
 * status.set({ state: 'pushing' });
 */
export class StatusStore {
  /** It starts as the status of a runtime without sync: idle, nothing pending, at 0 (one frozen object for both). */
  #status: SyncStatus = disabledSync.status;
  readonly #listeners = new Listeners<SyncStatus>();

  get(): SyncStatus {
    return this.#status;
  }

  set(patch: StatusPatch): void {
    const next: SyncStatus = { ...this.#status };
    let changed = false;
    for (const [key, value] of Object.entries(patch) as [keyof SyncStatus, unknown][]) {
      if (next[key] === value) continue;
      changed = true;
      if (value === undefined) delete next[key];
      else (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (!changed) return;
    this.#status = Object.freeze(next);
    this.#listeners.emit(this.#status);
  }

  subscribe(listener: (status: SyncStatus) => void): Unsubscribe {
    return this.#listeners.add(listener);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
