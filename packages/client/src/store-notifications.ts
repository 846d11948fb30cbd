import type { LocalChange, LocalEventStore } from '@tidelog/core';
import type { Listeners } from './listeners.js';
import type { ProcessManagers } from './process/process-managers.js';
import type { Projections } from './projections.js';
import type { RejectedCommands } from './stream/rejected-commands.js';
import type { Streams } from './stream/streams.js';

export interface NotificationTargets {
  streams: Streams;
  projections: Projections;
  processes: ProcessManagers;
  rejected: RejectedCommands;
  /** The sync loop's `onLocalChange` listeners. */
  local: Listeners<LocalChange | undefined>;
  /** True once the runtime is closed: dropped pending events are then no longer shown. */
  closed(): boolean;
}

/**
 * Route the store's notifications; returns the unsubscribe. A committed batch (this
 * runtime's commands, another writer's, a pulled page): to the streams' cached states, the
 * projections and the process managers, in that order. A local change: to the sync loop's
 * `onLocalChange` listeners (outbox or rejected list changed), to the rejected list's
 * subscribers, and, for pending events dropped outside a rebase, to the streams and
 * projections showing them.
 *
 * @example
 * const stop = routeStoreNotifications(store, { streams, projections, processes, rejected, local, closed });
 */
export function routeStoreNotifications(store: LocalEventStore, to: NotificationTargets): () => void {
  const { streams, projections, processes, rejected, local, closed } = to;
  const offs = [
    store.subscribe((events) => {
      streams.onStored(events);
      projections.onBatch(events);
      processes.onBatch(events);
    }),
    store.subscribeLocal((change) => {
      if (change.outbox || change.rejected) local.emit(change);
      if (change.rejected) rejected.changed();
      // Pending events dropped by someone other than a rebase (`takePending`): show it.
      if (!closed() && streams.onDropped(change.dropped)) projections.refresh();
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
