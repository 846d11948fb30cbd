import type { Json, LocalChange, LocalEventStore, PositionedEnvelope, SerializedError } from '@tidelog/core';
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
   *
   * @example
   * await host.confirm(page.events, { cursor: page.events.at(-1).position, serverId: page.serverId });
   */
  confirm(events: readonly PositionedEnvelope[], sync: SyncCursor): Promise<void>;
  /**
   * The server refused these commands' events as invalid (400/413 for the push that carried
   * them): move each to `rejected` with this error and rebase the rest of its stream.
   *
   * @example
   * await host.reject([entry.commandId], serializeError(error));
   */
  reject(commandIds: readonly string[], error: SerializedError): Promise<void>;
  /**
   * The server's log was reset (another `serverId`): drop confirmed events, projections'
   * confirmed state and the cursor; keep every pending command, displaced, so that it is
   * decided again on what the next pull brings (a `confirm([])` at the head decides those
   * no page touched), then pushed again.
   *
   * @example
   * await host.resetConfirmed();
   */
  resetConfirmed(): Promise<void>;
  /**
   * Told whenever the outbox or the rejected list changes (to wake the push loop, update
   * counts), with the store's `LocalChange` when there is one: its `appended` command can be
   * pushed without reading the outbox. Called without one, the loop reads the outbox again.
   *
   * @example
   * const off = host.onLocalChange((change) => wakePush(change));
   */
  onLocalChange(listener: (change?: LocalChange) => void): Unsubscribe;
  /**
   * How many commands are in the outbox (displaced ones included) and in `rejected` now.
   *
   * @example
   * const { pending, rejected } = await host.counts();
   */
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

/** Where the sync loop is. `reset`: the server's log changed under us (see `docs/sync.md`). */
export type SyncState = 'idle' | 'pushing' | 'pulling' | 'live' | 'paused' | 'offline' | 'error' | 'reset';

/** The sync loop's status, as `tidelog.sync.status` and its subscribers see it. */
export interface SyncStatus {
  state: SyncState;
  /** Commands in the outbox (made here, not yet confirmed by a pull). */
  pending: number;
  /** Commands in `rejected`, waiting for the app. */
  rejected: number;
  /** The highest position stored contiguously. */
  cursor: number;
  /** The server's head, as last seen. */
  head: number;
  /** When the last push or pull went through (ISO-8601). */
  lastSyncedAt?: string;
  /** The last error, serialized (name, code, message, details). */
  lastError?: SerializedError;
}

/** `createTidelog({ sync })` and `serveTidelog({ sync })`. */
export interface SyncOptions {
  /** The sync server's base URL, e.g. `https://sync.example.com` (routes go under `/v1`). */
  url: string;
  /** The space (one shared log) to sync. */
  space: string;
  /** A bearer token. */
  token?: string;
  /** Asked for a token before the first request and again after a 401/403 once resumed. */
  getToken?: () => string | Promise<string>;
  /** Follow the server live over SSE (default true). */
  live?: boolean;
  /**
   * The `fetch` to use (default the global one): e.g. one that adds headers, or a
   * `@tidelog/client/testing` link to an in-process server in tests.
   */
  fetch?: typeof fetch;
}

/** `tidelog.sync`: the same on `createTidelog`'s runtime and on `connectTidelog`'s client. */
export interface SyncApi {
  readonly status: SyncStatus;
  /** Be told of every status change; returns an unsubscribe. */
  subscribe(listener: (status: SyncStatus) => void): Unsubscribe;
  /** The current status, synchronously (for `useSyncExternalStore`). */
  getSnapshot(): SyncStatus;
  /** Push everything pending, pull to the head; rejects with a coded error when the server cannot be reached or sync is paused. */
  now(): Promise<SyncStatus>;
  /** The app's offline switch: pending work stays stored. */
  pause(): void;
  resume(): void;
}
