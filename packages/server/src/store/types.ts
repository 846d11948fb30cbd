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
 * How much one page may hold: at most `limit` events and, past its first event, at most
 * `maxBytes` of event JSON (default 4 MiB; see `PageBudget` and `eventSize`). A page cut
 * short by either says `hasMore`.
 */
export interface PageOptions {
  limit: number;
  maxBytes?: number;
}

/** One page of a stream, ascending by version, and the stream's current version. */
export interface StreamPage {
  events: PositionedEnvelope[];
  version: number;
  /** True when the stream holds events after the page's last one. */
  hasMore: boolean;
}

/** Whether a store can serve now; `reason` says why not (shown by `/healthz`). */
export type StoreHealth = { ok: true } | { ok: false; reason: string };

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
  /**
   * Events with position > after, ascending, at most `limit` and within the byte budget
   * (`maxBytes`, default 4 MiB; always at least one event). A SQL store stops reading rows
   * at the budget rather than loading the whole page first.
   */
  pull(space: string, options: { after: number } & PageOptions): Promise<PullPage>;
  /**
   * One stream's events with version ≥ fromVersion (default 1), at most `limit` (default:
   * no count limit) and within the byte budget, and the stream's current version.
   */
  readStream(
    space: string,
    streamId: string,
    options?: { fromVersion?: number } & Partial<PageOptions>,
  ): Promise<StreamPage>;
  /** Highest position in the space (0 when empty). */
  head(space: string): Promise<number>;
  /**
   * Wake `listener` whenever events are committed to `space` (by this process or, for
   * shared databases, by any replica). The listener receives the new head position; it
   * then pulls what it has not seen. Returns an unsubscribe function.
   */
  watch(space: string, listener: (head: number) => void): () => void;
  /**
   * Optional: whether the store can serve now, answered at once from what it knows (no
   * round trip: `/healthz` calls it on every probe). A store without it counts as healthy.
   */
  health?(): StoreHealth;
  close(): Promise<void>;
}
