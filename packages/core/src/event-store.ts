import type { AppendEvent, AppendResult, Envelope, ExpectedVersion, PositionedEnvelope } from './types.js';

/** Options of `appendToStream`: the version the caller expects the stream to be at. */
export interface AppendOptions {
  /** Default `'any'`. */
  expectedVersion?: ExpectedVersion;
}

/** Which versions of one stream `readStream` returns. */
export interface ReadStreamOptions {
  /** First version to read (inclusive), default 1. */
  fromVersion?: number;
  /** Last version to read (inclusive), default: the end. */
  toVersion?: number;
}

/** Which positions `readAll` returns: after a cursor, up to a limit. */
export interface ReadAllOptions {
  /** Read events with a position greater than this, default 0. */
  after?: number;
  /** At most this many events, default all. */
  limit?: number;
}

/** Called with each batch of events an append committed, in position order. */
export type StoreListener = (events: readonly Envelope[]) => void;

/**
 * The event store every runtime uses: a log of streams with a global order. Memory and
 * IndexedDB implement it; `runEventStoreConformance` (from `@tidelog/core/testing`) checks
 * any implementation against the contract.
 */
export interface EventStore {
  /**
   * Append events to a stream if its version matches `expectedVersion`, atomically, and give
   * them the next positions. Idempotent by event id: the same ids again (same stream, types
   * and data) return the original result and write nothing; an id stored with other content
   * throws `DuplicateEventError`. A mismatch throws `ConcurrencyError`.
   */
  appendToStream(
    streamId: string,
    events: readonly AppendEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** The events of one stream, ascending by version. An unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<Envelope[]>;
  /** Events of all streams with a position, ascending by position. */
  readAll(options?: ReadAllOptions): Promise<PositionedEnvelope[]>;
  /** The current version of a stream (0 when it has no events). */
  streamVersion(streamId: string): Promise<number>;
  /** Highest position in the store (0 when empty). */
  head(): Promise<number>;
  /** Be told of every committed batch. Returns an unsubscribe function. */
  subscribe(listener: StoreListener): () => void;
  /** Release resources; further calls throw `ClosedError`. */
  close(): Promise<void>;
}
