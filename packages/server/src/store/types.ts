import type { PositionedEnvelope } from '@tidelog/core';
import type { AcceptedGroup, PushConflict, PushedEvent } from '@tidelog/protocol';

// The wire shapes come from the protocol package: one definition for the HTTP layer and the stores.
export type { AcceptedGroup, PushConflict, PushedEvent } from '@tidelog/protocol';

/** What a push did: the body of a 200 push response, less `serverId`. */
export interface PushOutcome {
  accepted: AcceptedGroup[];
  duplicates: { id: string; position: number }[];
  conflicts: PushConflict[];
  head: number;
}

/** One page of a space's events, as `ServerEventStore.pull` returns it. */
export interface PullPage {
  events: PositionedEnvelope[];
  head: number;
  hasMore: boolean;
}

/**
 * The one interface every server store implements (memory, SQLite, PostgreSQL, Durable Object).
 * All methods are per space; a space nobody has written to is empty, not an error.
 * Validation of shapes happens before a store is called (in @tidelog/protocol); a store
 * enforces the protocol's semantics: versions, ids, gapless commit-ordered positions.
 */
export interface ServerEventStore {
  /** Minted once when the store's data is created; stable across restarts. */
  serverId(): Promise<string>;
  /**
   * Apply a push (docs/protocol.md, "Push"): per stream group, accepted whole or a
   * conflict whole; duplicates by id acknowledged with their position, never stored twice.
   * Events of one stream are contiguous and ascending (checked by the caller).
   */
  push(space: string, events: PushedEvent[]): Promise<PushOutcome>;
  /** Events with position > after, ascending, at most `limit`. */
  pull(space: string, options: { after: number; limit: number }): Promise<PullPage>;
  /** One stream's events with version ≥ fromVersion (default 1), and its current version. */
  readStream(
    space: string,
    streamId: string,
    options?: { fromVersion?: number },
  ): Promise<{ events: PositionedEnvelope[]; version: number }>;
  /** Highest position in the space (0 when empty). */
  head(space: string): Promise<number>;
  /**
   * Wake `listener` whenever events are committed to `space` (by this process or, for
   * shared databases, by any replica). The listener receives the new head position; it
   * then pulls what it has not seen. Returns an unsubscribe function.
   */
  watch(space: string, listener: (head: number) => void): () => void;
  close(): Promise<void>;
}
