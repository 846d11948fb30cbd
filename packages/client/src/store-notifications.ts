import type { LocalChange, LocalEventStore } from '@tidelog/core';
import { Listeners } from './listeners.js';
import type { ProcessManagers } from './process/process-managers.js';
import type { Projections } from './projections.js';
import type { RejectedCommands } from './stream/rejected-commands.js';
import type { Streams } from './stream/streams.js';
import type { Unsubscribe } from './types.js';

export interface NotificationTargets {
  streams: Streams;
  projections: Projections;
  processes: ProcessManagers;
  rejected: RejectedCommands;
  /** True once the runtime is closed: dropped pending events are then no longer shown. */
  closed(): boolean;
}

/**
 * Where the store's notifications go. A committed batch (this runtime's commands, another
 * writer's, a pulled page): to the streams' cached states, the projections and the
 * process managers, in that order. A local change: to the sync loop's `onLocalChange`
 * listeners (outbox or rejected list changed), to the rejected list's subscribers, and,
 * for pending events dropped outside a rebase, to the streams and projections showing them.
 *
 * @example
 * const notifications = new StoreNotifications(store, { streams, projections, processes, rejected, closed });
 * notifications.start();
 * const off = notifications.onLocalChange(() => wakePush());
 */
export class StoreNotifications {
  readonly #local = new Listeners<LocalChange>();
  #off: (() => void)[] = [];

  constructor(
    private readonly store: LocalEventStore,
    private readonly to: NotificationTargets,
  ) {}

  /** Subscribe to the store. */
  start(): void {
    const { streams, projections, processes, rejected, closed } = this.to;
    this.#off = [
      this.store.subscribe((events) => {
        streams.onStored(events);
        projections.onBatch(events);
        processes.onBatch(events);
      }),
      this.store.subscribeLocal((change) => {
        if (change.outbox || change.rejected) this.#local.emit(change);
        if (change.rejected) rejected.changed();
        // Pending events dropped by someone other than a rebase (`takePending`): show it.
        if (!closed() && streams.onDropped(change.dropped)) projections.refresh();
      }),
    ];
  }

  /** Be told whenever the outbox or the rejected list changes, with the store's change. */
  onLocalChange(listener: (change: LocalChange) => void): Unsubscribe {
    return this.#local.add(listener);
  }

  /** Unsubscribe from the store and drop the `onLocalChange` listeners. */
  stop(): void {
    for (const off of this.#off) off();
    this.#off = [];
    this.#local.clear();
  }
}
