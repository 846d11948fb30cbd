import type { Json, LocalEventStore, PositionedEnvelope, SerializedError } from '@tidelog/core';
import type { Unsubscribe } from '../types.js';

/**
 * The seam between the runtime and the sync loop (`docs/sync.md`). The runtime owns the
 * local store, the mailboxes and the rebase; the sync loop owns HTTP, retries and status.
 * The loop never writes events itself: it hands pulled pages to `confirm` and refused
 * commands to `reject`.
 */
export interface SyncHost {
  readonly clientId: string;
  /** Read-only use by the loop: `readOutbox`, `readPending`, `getMeta('sync')`. */
  readonly store: LocalEventStore;
  /**
   * Store one pulled page (ascending positions, contiguous from the stored cursor) and the
   * new cursor in one transaction; this device's pending events with the same ids take
   * their positions; foreign events for streams with pending events start a durable rebase
   * of those streams (inside their mailboxes). Resolves once the page is stored; the rebase
   * may still run (`settled()` waits for it).
   */
  confirm(events: readonly PositionedEnvelope[], sync: SyncCursor): Promise<void>;
  /**
   * The server refused these commands' events as invalid (400/413 for the push that carried
   * them): move each to `rejected` with this error and rebase the rest of its stream.
   */
  reject(commandIds: readonly string[], error: SerializedError): Promise<void>;
  /**
   * The server's log was reset (another `serverId`): drop confirmed events, projections'
   * confirmed state and the cursor; keep every pending command, displaced, so that it is
   * decided again on what the next pull brings, then pushed again.
   */
  resetConfirmed(): Promise<void>;
  /** Told whenever the outbox or the rejected list changes (to wake the push loop, update counts). */
  onLocalChange(listener: () => void): Unsubscribe;
  /** How many commands are in the outbox and in `rejected` now. */
  counts(): Promise<{ pending: number; rejected: number }>;
}

/** What the sync loop keeps in the local store (`getMeta('sync')`), written with each page. */
export interface SyncCursor {
  /** The highest position stored contiguously from 0. */
  cursor: number;
  /** The `serverId` the cursor belongs to. */
  serverId: string;
  [key: string]: Json;
}
