import type { AnyAggregate, AnyProjection } from '@tidelog/core';
import type { StoreSource } from './open-store.js';
import type { ProcessManager } from './process/process-manager.js';
import type { SyncOptions } from './sync/host.js';
import type { Timers } from './timers.js';
import type { TidelogWarning } from './types.js';

/**
 * What `createTidelog` takes: the app's aggregates, projections and process managers, where
 * the events live, and how the runtime behaves (sync, snapshots, cache, checkpoints).
 *
 * @example
 * const options: TidelogOptions<typeof Counter> = { aggregates: [Counter], store: () => openIdbEventStore({ name: 'app' }) };
 * const tidelog = await createTidelog(options);
 */
export interface TidelogOptions<R extends AnyAggregate> {
  aggregates: readonly R[];
  projections?: readonly AnyProjection[];
  processManagers?: readonly ProcessManager[];
  /**
   * Where the events live: a store (`new MemoryEventStore()` for tests and scripts), or a
   * function opening one (`() => openIdbEventStore({ name: 'app' })` in a browser; wrap it
   * in `withMemoryFallback` to run in memory where IndexedDB cannot open). A store the
   * runtime opened (a function) is closed with it; a store instance passed in is not.
   */
  store: StoreSource;
  /** Save a snapshot every this many events of a stream (default: never). */
  snapshotEvery?: number;
  /** Drop a stream's cached state after this long unused and unsubscribed (ms, default 5 min). */
  idleTimeoutMs?: number;
  /**
   * Append commands as pending events with an outbox entry (for a sync engine to push)
   * instead of as confirmed events. Default: true with `sync`, else false (the local
   * store is the authority).
   */
  pending?: boolean;
  /** Sync with a server (`docs/sync.md`): turns on pending mode and starts the sync loop. */
  sync?: SyncOptions;
  /** Save projection (and idle process-manager) checkpoints every this many positions (default 100). */
  checkpointEvery?: number;
  timers?: Timers;
  onWarning?: (warning: TidelogWarning) => void;
}
