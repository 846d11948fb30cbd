import type { AnyAggregate, StateOf } from './aggregate.js';
import type { EventStore } from './event-store.js';
import { foldDetailed } from './fold.js';
import {
  type SnapshotPolicy,
  type SnapshotStore,
  shouldSnapshot,
  snapshotKey,
  snapshotOf,
} from './snapshot.js';

/** Options of `loadAggregate`: time travel (`asOfVersion`, `asOfTime`) and snapshots. */
export interface LoadOptions {
  /** Fold only up to this version (time travel). */
  asOfVersion?: number;
  /** Fold only events made at or before this time (ISO-8601), in version order. */
  asOfTime?: string;
  /** Where snapshots live; defaults to the store itself when it is a `SnapshotStore`. */
  snapshots?: SnapshotStore;
  /** Save a snapshot when this many confirmed events were folded past the last one. */
  snapshotPolicy?: SnapshotPolicy;
}

/** What `loadAggregate` returns: the folded state and the version it is at. */
export interface LoadedAggregate<S> {
  state: S;
  version: number;
  /** Events passed over because this code does not know their type. */
  unknown: number;
  /** The snapshot version the load started from (0 when it replayed from the start). */
  fromSnapshot: number;
}

function isSnapshotStore(value: unknown): value is SnapshotStore {
  return typeof (value as SnapshotStore | undefined)?.getSnapshot === 'function';
}

/**
 * Load an aggregate instance: the latest snapshot (if any, and if it fits the request)
 * plus the events after it, folded in one `produce`. With `asOfVersion` or `asOfTime` it
 * returns the state as it was then. Snapshots cover confirmed events only, so a rebase of
 * pending events never invalidates them.
 *
 * @example
 * const { state, version } = await loadAggregate(store, Counter, 'counter-1', { asOfVersion: 10 });
 */
export async function loadAggregate<A extends AnyAggregate>(
  store: EventStore,
  aggregate: A,
  streamId: string,
  options: LoadOptions = {},
): Promise<LoadedAggregate<StateOf<A>>> {
  const snapshots = options.snapshots ?? (isSnapshotStore(store) ? store : undefined);
  let state = aggregate.initialState as StateOf<A>;
  let fromSnapshot = 0; // the version the snapshot holds, 0 without one
  const snapshot = await snapshots?.getSnapshot(snapshotKey(aggregate, streamId));
  if (
    snapshot &&
    snapshot.snapshotVersion === aggregate.snapshotVersion &&
    (options.asOfVersion === undefined || snapshot.version <= options.asOfVersion) &&
    (options.asOfTime === undefined || snapshot.timestamp <= options.asOfTime)
  ) {
    state = snapshot.state as StateOf<A>;
    fromSnapshot = snapshot.version;
  }
  let events = await store.readStream(streamId, {
    fromVersion: fromSnapshot + 1,
    toVersion: options.asOfVersion,
  });
  if (options.asOfTime !== undefined) {
    const asOf = options.asOfTime;
    const stop = events.findIndex((e) => e.meta.timestamp > asOf);
    if (stop >= 0) events = events.slice(0, stop);
  }
  // Pending events (no position) come after every confirmed one.
  const pendingAt = events.findIndex((e) => e.position === undefined);
  const confirmedEnd = pendingAt < 0 ? events.length : pendingAt;
  const confirmed = foldDetailed(aggregate, state, events.slice(0, confirmedEnd), fromSnapshot);
  const timeTravel = options.asOfVersion !== undefined || options.asOfTime !== undefined;
  if (snapshots && !timeTravel && shouldSnapshot(options.snapshotPolicy, confirmed.version, fromSnapshot)) {
    // Due only when confirmed events were folded past the snapshot, so the last one exists.
    const last = events[confirmedEnd - 1]!;
    await snapshots.putSnapshot(
      snapshotOf(aggregate, streamId, confirmed.version, confirmed.state, last.meta.timestamp),
    );
  }
  const all = foldDetailed(aggregate, confirmed.state, events.slice(confirmedEnd), confirmed.version);
  return { state: all.state, version: all.version, unknown: confirmed.unknown + all.unknown, fromSnapshot };
}
