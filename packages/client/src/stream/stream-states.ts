import {
  type AnyAggregate,
  type Envelope,
  foldDetailed,
  type LocalEventStore,
  loadAggregate,
  serializeError,
  shouldSnapshot,
} from '@tidelog/core';
import { snapshotOf } from '@tidelog/core/store-kit';
import type { Timers } from '../timers.js';
import type { AggregateSnapshot, TidelogWarning, Unsubscribe } from '../types.js';
import { StreamCache, type StreamEntry } from './stream-cache.js';

export interface StreamStatesOptions {
  /** Commands are stored as pending events (sync): then no snapshot is taken. */
  pending: boolean;
  /** Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Save a snapshot every this many events (authority mode only). Default: never. */
  snapshotEvery?: number;
  /** A snapshot write failed after its events were stored: reported (`SNAPSHOT_FAILED`), not thrown. */
  warn(warning: TidelogWarning): void;
}

/**
 * The state of each stream as the app sees it (confirmed events with the pending ones
 * folded on): a `StreamCache` (the folded states and the subscribers of each stream) that
 * loads, folds and publishes them, with the revision every published state carries. A
 * revision only goes up, for every stream, so a subscriber in a page tells a newer state
 * from an older one even when a rebase took the version down (a command rejected).
 *
 * Snapshots are taken only when the local store is the authority: a snapshot is of
 * confirmed state, and with pending events there is none to take.
 *
 * Callers run `ensure`, `advance` and `refresh` of a stream inside its mailbox.
 *
 * @example
 * const states = new StreamStates(store, systemTimers, { pending: false, snapshotEvery: 50, warn });
 * const entry = await states.ensure(Counter, 'c-1');
 */
export class StreamStates extends StreamCache {
  readonly #policy: { every: number } | undefined;
  #revision = 0;

  constructor(
    private readonly store: LocalEventStore,
    timers: Timers,
    private readonly options: StreamStatesOptions,
  ) {
    super(options.idleTimeoutMs ?? 300_000, timers);
    const every = options.pending ? undefined : options.snapshotEvery;
    this.#policy = every ? { every } : undefined;
  }

  /** The cached state, or the state loaded from the store (and published to subscribers). */
  async ensure(aggregate: AnyAggregate, streamId: string): Promise<StreamEntry> {
    const cached = this.get(streamId, aggregate.type);
    if (cached) return cached;
    const policy = this.#policy;
    const loaded = await loadAggregate(this.store, aggregate, streamId, { snapshotPolicy: policy });
    const snapshotAt = shouldSnapshot(policy, loaded.version, loaded.fromSnapshot)
      ? loaded.version
      : loaded.fromSnapshot;
    // Its snapshot comes from `#publish`, at once.
    const entry = { aggregate, streamId, snapshotAt } as StreamEntry;
    this.set(entry);
    this.#publish(entry, loaded);
    return entry;
  }

  /** Fold newly stored events into a cached state; true when they did not follow on (refresh needed). */
  advance(entry: StreamEntry, events: readonly Envelope[]): boolean {
    const { state, version } = entry.snapshot;
    const last = events.at(-1);
    if (!last || last.version <= version) return false;
    if (events[0]!.version !== version + 1) return true; // a last event, so a first one
    this.#publish(entry, foldDetailed(entry.aggregate, state, events, version));
    return false;
  }

  /**
   * Read a stream's states again from the store, for every aggregate type cached or
   * subscribed, and publish them even when the version went down (a rebase rejected a
   * command, pending events were dropped).
   */
  async refresh(streamId: string): Promise<void> {
    for (const aggregate of this.aggregatesOf(streamId)) {
      this.delete(streamId, aggregate.type);
      // Cached or subscribed: loaded again at once, so `getSnapshot` keeps answering.
      await this.ensure(aggregate, streamId);
    }
  }

  /**
   * A page confirmed `events` (by version) of a stream whose pending events stand (this
   * device's own events, and foreign ones after every pending one): fold the events past
   * each cached state onto it and publish the result, a new revision even when only
   * confirmations came. A state they do not follow on, or one subscribed but not cached,
   * is read again.
   */
  async confirmed(streamId: string, events: readonly Envelope[]): Promise<void> {
    for (const aggregate of this.aggregatesOf(streamId)) {
      const { type } = aggregate;
      const entry = this.peek(streamId, type);
      if (entry) {
        const past = events.filter((e) => e.version > entry.snapshot.version);
        let stale = true;
        try {
          if (past.length > 0) stale = this.advance(entry, past);
          else {
            this.#publish(entry, entry.snapshot);
            stale = false;
          }
        } finally {
          // A fold that threw or could not follow on leaves no cached state behind.
          if (stale) this.delete(streamId, type);
        }
        if (!stale) continue;
      }
      await this.ensure(aggregate, streamId);
    }
  }

  /**
   * Show a page's confirmed events (by version) of a stream before they are stored: fold
   * them onto each cached state of the stream and publish it. Only when every cached or
   * subscribed state of the stream is cached and they follow it on exactly (so no event of
   * the stream is pending here); then true (a failed write is undone with `refresh`).
   * Otherwise nothing changes and false: `confirmed` or `refresh` after the write.
   */
  preview(streamId: string, events: readonly Envelope[]): boolean {
    const folded: [StreamEntry, { state: unknown; version: number }][] = [];
    try {
      for (const { type } of this.aggregatesOf(streamId)) {
        const entry = this.peek(streamId, type);
        if (entry === undefined || events[0]?.version !== entry.snapshot.version + 1) return false;
        const { state, version } = entry.snapshot;
        folded.push([entry, foldDetailed(entry.aggregate, state, events, version)]);
      }
    } catch {
      return false; // `confirmed` folds again after the write and reads the stream if it throws
    }
    for (const [entry, next] of folded) this.#publish(entry, next);
    return true;
  }

  /**
   * Add a subscriber: it gets each new state of the stream once, starting with the current
   * one once `load` (which loads the stream inside its mailbox, and so publishes its first
   * state) resolves.
   */
  subscribe(
    aggregate: AnyAggregate,
    streamId: string,
    listener: (s: AggregateSnapshot<unknown>) => void,
    load: () => Promise<unknown>,
  ): Unsubscribe {
    let last: unknown;
    let active = true;
    const deliver = (snapshot: AggregateSnapshot<unknown>) => {
      // The first load and a concurrent change may both deliver the same snapshot.
      if (!active || snapshot === last) return;
      last = snapshot;
      listener(snapshot);
    };
    const off = this.listen(aggregate, streamId, deliver);
    load().then(
      () => {
        const entry = this.peek(streamId, aggregate.type);
        if (entry) deliver(entry.snapshot);
      },
      (error: unknown) => console.error(`tidelog: could not load ${aggregate.type} ${streamId}`, error),
    );
    return () => {
      if (active) off();
      active = false;
    };
  }

  /** Save a snapshot when due (authority mode). A failure is reported: the events are stored. */
  async maybeSnapshot(entry: StreamEntry, at: string): Promise<void> {
    const { version, state } = entry.snapshot;
    if (!shouldSnapshot(this.#policy, version, entry.snapshotAt)) return;
    try {
      await this.store.putSnapshot(snapshotOf(entry.aggregate, entry.streamId, version, state, at));
      entry.snapshotAt = version;
    } catch (error) {
      this.options.warn({
        code: 'SNAPSHOT_FAILED',
        message: `the snapshot of "${entry.streamId}" could not be saved (its events were): ${String(error)}`,
        error: serializeError(error),
      });
    }
  }

  /** Give a cached state a new snapshot (a new revision) and send it to the subscribers. */
  #publish(entry: StreamEntry, { state, version }: { state: unknown; version: number }): void {
    entry.snapshot = { streamId: entry.streamId, state, version, revision: ++this.#revision };
    this.emit(entry);
  }
}
