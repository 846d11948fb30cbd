import { createTidelog, type Tidelog, withMemoryFallback } from '@tidelog/client';
import type { RuntimeInit } from '@tidelog/client/worker';
import { openIdbEventStore } from '@tidelog/idb';
import { aggregates, type DemoAggregate } from './domain/aggregates.js';
import { EventLog } from './domain/event-log.js';
import { Overview } from './domain/overview.js';
import { runtimeName } from './space.js';

/**
 * The demo's runtime: one IndexedDB database per board, synced with the board's space on
 * the server it was loaded from. Runs in the SharedWorker (or, as a last resort, in the page).
 *
 * @example
 * const tidelog = await createDemoRuntime('team-a', { sync: { url: location.origin, space: 'team-a' } });
 */
export function createDemoRuntime(board: string, init: RuntimeInit): Promise<Tidelog<DemoAggregate>> {
  return createTidelog({
    aggregates,
    projections: [Overview, EventLog],
    // Where IndexedDB cannot open (a private window of some browsers) the board still works,
    // in memory, until the tab closes (a STORAGE_FALLBACK warning says so).
    store: withMemoryFallback(() => openIdbEventStore({ name: runtimeName(board) })),
    ...init,
  });
}

/** Where the demo syncs: the server that served the page, the board's space. */
export const syncOptions = (board: string, origin: string) => ({ url: origin, space: board });
