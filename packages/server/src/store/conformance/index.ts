import { describe, it } from 'vitest';
import type { ServerEventStore } from '../types.js';
import { liveCases } from './cases-live.js';
import { nameCases } from './cases-names.js';
import { pageCases } from './cases-pages.js';
import { pushCases } from './cases-push.js';
import { readCases } from './cases-read.js';
import type { CaseContext, ConformanceCase } from './fixtures.js';

export { PROTOTYPE_NAMES } from './cases-names.js';
export type { CaseContext, ConformanceCase } from './fixtures.js';
export { pullAll, pushed, run as streamRun } from './fixtures.js';
export { expectQueueBound } from './queue-bound.js';

/** How the conformance suite gets stores to test. */
export interface ServerStoreConformanceOptions {
  /** A store to test; each case gets its own and closes it. Spaces are unique per case. */
  newStore: () => ServerEventStore | Promise<ServerEventStore>;
  /**
   * Another store on the same data as the stores `newStore` makes (a restart, another
   * replica). Omit for stores whose data lives in one object (memory).
   */
  openReplica?: () => Promise<ServerEventStore>;
  /** Suite title (default "server store conformance"). */
  name?: string;
}

/** Every case of the suite, for callers that drive them without vitest's `it`. */
export const serverStoreConformanceCases: readonly ConformanceCase[] = [
  ...pushCases,
  ...readCases,
  ...liveCases,
  ...nameCases,
  ...pageCases,
];

let spaceCounter = 0;
const runId = Math.random().toString(36).slice(2, 10);

/**
 * Run one case against a fresh store, closing it afterwards. Throws what the case throws.
 *
 * @example
 * await runConformanceCase(serverStoreConformanceCases[0]!, { newStore: createMemoryServerStore });
 */
export async function runConformanceCase(
  testCase: ConformanceCase,
  options: ServerStoreConformanceOptions,
): Promise<void> {
  const store = await options.newStore();
  const context: CaseContext = {
    store,
    openReplica: options.openReplica,
    space: () => `conformance-${runId}-${++spaceCounter}`,
  };
  try {
    await testCase.run(context);
  } finally {
    await store.close();
  }
}

/**
 * Register the server store conformance suite with vitest: the push matrix, paging,
 * isolation, exact round trips, watch, and races. Every `ServerEventStore` runs it.
 *
 * @example
 * // memory.test.ts
 * runServerStoreConformance({ newStore: () => createMemoryServerStore() });
 */
export function runServerStoreConformance(options: ServerStoreConformanceOptions): void {
  describe(options.name ?? 'server store conformance', () => {
    for (const testCase of serverStoreConformanceCases) {
      it(testCase.name, () => runConformanceCase(testCase, options));
    }
  });
}
