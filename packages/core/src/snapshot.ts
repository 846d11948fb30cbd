import type { AnyAggregate } from './aggregate.js';

/** A folded state saved at a stream version, so loads need not replay from version 1. */
export interface Snapshot<S = unknown> {
  /** `snapshotKey(aggregate, streamId)`: includes the aggregate's `snapshotVersion`. */
  key: string;
  streamId: string;
  aggregateType: string;
  snapshotVersion: number;
  /** The stream version the state was folded to. */
  version: number;
  state: S;
  /** Time of the last event folded into it (for `asOfTime` loads). */
  timestamp: string;
}

/** Where snapshots live: memory here, IndexedDB in @tidelog/idb. */
export interface SnapshotStore {
  getSnapshot(key: string): Promise<Snapshot | undefined>;
  putSnapshot(snapshot: Snapshot): Promise<void>;
  deleteSnapshot(key: string): Promise<void>;
}

/**
 * The key of an aggregate instance's snapshot. It carries the aggregate's
 * `snapshotVersion`: bump it when `events` handlers change, and old snapshots are ignored.
 *
 * @example
 * snapshotKey(Counter, 'counter-1'); // 'counter@1:counter-1'
 */
export function snapshotKey(aggregate: AnyAggregate, streamId: string): string {
  return `${aggregate.type}@${aggregate.snapshotVersion}:${streamId}`;
}

/**
 * The snapshot of an aggregate instance folded to `version`, keyed by `snapshotKey`.
 * `loadAggregate` and the client runtime both save snapshots through it.
 *
 * @example
 * await snapshots.putSnapshot(snapshotOf(Counter, 'counter-1', 10, state, last.meta.timestamp));
 */
export function snapshotOf<S>(
  aggregate: AnyAggregate,
  streamId: string,
  version: number,
  state: S,
  timestamp: string,
): Snapshot<S> {
  return {
    key: snapshotKey(aggregate, streamId),
    streamId,
    aggregateType: aggregate.type,
    snapshotVersion: aggregate.snapshotVersion,
    version,
    state,
    timestamp,
  };
}

/** When to save a snapshot. */
export interface SnapshotPolicy {
  /** Save after every `every` events folded since the last snapshot. */
  every: number;
}

/**
 * True when a state folded to `version`, whose last snapshot was at `lastSnapshotVersion`,
 * is due for a new snapshot under `policy`.
 *
 * @example
 * shouldSnapshot({ every: 100 }, 250, 100); // true
 */
export function shouldSnapshot(
  policy: SnapshotPolicy | undefined,
  version: number,
  lastSnapshotVersion: number,
): boolean {
  return policy !== undefined && policy.every > 0 && version - lastSnapshotVersion >= policy.every;
}

/**
 * Snapshots in memory.
 *
 * @example
 * const snapshots = new MemorySnapshotStore();
 */
export class MemorySnapshotStore implements SnapshotStore {
  readonly #snapshots = new Map<string, Snapshot>();
  async getSnapshot(key: string) {
    return this.#snapshots.get(key);
  }
  async putSnapshot(snapshot: Snapshot) {
    this.#snapshots.set(snapshot.key, structuredClone(snapshot));
  }
  async deleteSnapshot(key: string) {
    this.#snapshots.delete(key);
  }
}
