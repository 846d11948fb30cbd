import { describe, it } from 'vitest';
import type { EventStore } from '../event-store.js';
import type { LocalEventStore } from '../local-store.js';
import { localStoreCases } from './local-store-cases.js';
import { eventStoreCases } from './store-cases.js';

/** How `runEventStoreConformance` gets a fresh store for each case. */
export interface ConformanceOptions {
  /** A fresh, empty store for each case. */
  newStore: () => Promise<EventStore> | EventStore;
  /** Suite name, default 'EventStore conformance'. */
  name?: string;
}

/**
 * Register the `EventStore` conformance suite with vitest: every store implementation
 * runs the same cases.
 *
 * @example
 * runEventStoreConformance({ newStore: () => new MemoryEventStore() });
 */
export function runEventStoreConformance(options: ConformanceOptions): void {
  const newStore = async () => options.newStore();
  describe(options.name ?? 'EventStore conformance', () => {
    for (const testCase of eventStoreCases) {
      it(testCase.name, () => testCase.run(newStore), 60_000);
    }
  });
}

/** How `runLocalStoreConformance` gets a fresh local store for each case. */
export interface LocalConformanceOptions {
  /** A fresh, empty store for each case. */
  newStore: () => Promise<LocalEventStore> | LocalEventStore;
  /** Suite name, default 'LocalEventStore conformance'. */
  name?: string;
}

/**
 * Register the `LocalEventStore` conformance suite (pending events, outbox,
 * `applyConfirmed`, `takePending`, rejected, checkpoints, meta, snapshots) with vitest.
 *
 * @example
 * runLocalStoreConformance({ newStore: () => new MemoryEventStore() });
 */
export function runLocalStoreConformance(options: LocalConformanceOptions): void {
  const newStore = async () => options.newStore();
  describe(options.name ?? 'LocalEventStore conformance', () => {
    for (const testCase of localStoreCases) {
      it(testCase.name, () => testCase.run(newStore), 60_000);
    }
  });
}
