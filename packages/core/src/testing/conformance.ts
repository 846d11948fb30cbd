import { describe, it } from 'vitest';
import type { EventStore } from '../event-store.js';
import { eventStoreCases } from './store-cases.js';

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
