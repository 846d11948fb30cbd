import type { SerializedError } from './errors.js';
import type { EventStore } from './event-store.js';
import type { SnapshotStore } from './snapshot.js';
import type {
  AppendEvent,
  Envelope,
  ExpectedVersion,
  Json,
  JsonObject,
  PositionedEnvelope,
} from './types.js';

/** A command made on this device whose events the server has not accepted yet. */
export interface OutboxEntry {
  commandId: string;
  aggregateType: string;
  streamId: string;
  command: string;
  payload: Json;
  /** The stream version (confirmed + pending) the command was decided on. */
  baseVersion: number;
  eventIds: string[];
  /** `ctx.now` of the original decision, reused on replay. */
  timestamp: string;
  metadata: JsonObject;
  /**
   * Set while the command waits to be decided again: confirmed events made elsewhere took
   * its place (`'rebase'`: the runtime decides it again as soon as it can, at the latest
   * when it starts) or the server's log was reset (`'reset'`: decided again once the new log
   * has been pulled). Its pending events are gone; the entry keeps the command.
   */
  displaced?: 'rebase' | 'reset';
}

/**
 * One stream's rebase, written by `applyConfirmed` (with the page that caused it) or
 * `rebase`, in one transaction: the replaced commands leave the outbox with their pending
 * events, the commands decided again are appended as pending (same order, new versions),
 * the ones that now fail are filed in `rejected`.
 */
export interface RebaseStep {
  streamId: string;
  /** Command ids of the stream's outbox entries this step replaces. */
  replaces: readonly string[];
  /** Commands decided again, in order, with their events (appended after the confirmed ones). */
  append: readonly { command: OutboxEntry; events: readonly AppendEvent[] }[];
  /** Commands that now fail. A command id already in `rejected` is replaced (a failed retry). */
  rejected: readonly RejectedCommand[];
  /** Command ids to take out of `rejected` (a retry that went through). */
  unreject?: readonly string[];
}

/** What `applyConfirmed` writes besides the events, in the same transaction. */
export interface ConfirmOptions {
  /** Stored under meta key `'sync'`: the sync loop's cursor, which covers these events. */
  sync?: JsonObject;
  /** Rebases of streams that receive foreign events here (or of any stream). */
  rebase?: readonly RebaseStep[];
}

/** A change to what this device holds besides events, for whoever shows counts or pushes. */
export interface LocalChange {
  /** The outbox changed (a command appended, confirmed, displaced, replaced). */
  outbox: boolean;
  /** The rejected list changed. */
  rejected: boolean;
  /** Streams whose pending events were dropped without new ones (`takePending`, a reset). */
  dropped: readonly string[];
  /**
   * Set when the only change to the outbox is this command, added at its end by
   * `appendPending`: the entry and its events as stored. A sync loop that knows the rest of
   * the outbox can push them without reading it back.
   */
  appended?: { entry: OutboxEntry; events: readonly Envelope[] };
  /**
   * Set when the only change to the outbox is commands leaving it because their events were
   * confirmed (`applyConfirmed` with nothing displaced, rebased or rejected): the ids of
   * the events confirmed.
   */
  confirmed?: readonly string[];
}

/** A pending command that failed when it was re-run on new confirmed state. */
export interface RejectedCommand {
  entry: OutboxEntry;
  error: SerializedError;
  rejectedAt: string;
}

/** A projection's confirmed state and the last position folded into it. */
export interface ProjectionCheckpoint<S = unknown> {
  name: string;
  position: number;
  state: S;
  /** Bumped by the app when the projection's handlers change: a mismatch means rebuild. */
  projectionVersion: number;
}

/**
 * Where a process manager is, so that it catches up after a restart: the ordered log it
 * has gone through, and which of this device's events without a position (pending) it has
 * already handled. Stored apart from projection checkpoints: the names may be the same.
 */
export interface ProcessCheckpoint {
  name: string;
  /** Last position of the ordered log the process manager has gone through. */
  position: number;
  /** Ids of pending events it has handled (dropped once it goes past their position). */
  handled: string[];
}

/** A command a process manager could not run (or a handler that threw), kept for the app. */
export interface DeadLetter {
  /**
   * Derived from the process manager, the event and the dispatch, never random: a handler
   * that fails again on catch-up overwrites its letter instead of adding a second one.
   */
  id: string;
  processManager: string;
  /** The event the process manager reacted to. */
  event: Envelope;
  /** The command it tried to run (absent when the handler itself threw). */
  dispatch?: DeadDispatch;
  /** The error as `serializeError` gives it (name, code, message, details). */
  error: SerializedError;
  /** When it failed (last, after a retry), ISO-8601. */
  at: string;
}

/** The command of a dead letter, with what it takes to run it again as the same command. */
export interface DeadDispatch {
  aggregateType: string;
  streamId: string;
  command: string;
  payload?: Json;
  /** The command's id: a retry reuses it, so its events keep their ids. */
  commandId: string;
  /** Correlation, causation and depth the command carries in its events' `meta`. */
  metadata: JsonObject;
}

/** What `appendPending` returns: the stored pending envelopes of one command. */
export interface PendingAppendResult {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  events: Envelope[];
}

/** What `applyConfirmed` did. */
export interface ConfirmOutcome {
  /** Ids of this device's pending events that the authority has now accepted. */
  confirmed: string[];
  /** Events stored as new confirmed events (made elsewhere). */
  added: PositionedEnvelope[];
  /**
   * Outbox entries of streams that received foreign events and had no `RebaseStep`: their
   * pending events were dropped in the same transaction and the entries stay in the outbox,
   * marked `displaced`, until a rebase replaces them.
   */
  displaced: OutboxEntry[];
}

/**
 * The store a client runtime needs beyond `EventStore`: pending events and their outbox,
 * rejected commands, snapshots, projection and process-manager checkpoints, dead letters
 * and meta. `MemoryEventStore` and
 * `@tidelog/idb` implement it.
 *
 * A store is used in one of two modes. Alone (no sync), it is the authority:
 * `appendToStream` gives events positions at once. With sync, commands go through
 * `appendPending` and events get positions only through `applyConfirmed`.
 */
export interface LocalEventStore extends EventStore, SnapshotStore {
  /** `'memory'`, `'indexeddb'`, …: what the runtime reports as `runtime.storage`. */
  readonly kind: string;
  /**
   * Append a command's events as pending (no position) together with its outbox entry, in
   * one transaction. `expectedVersion` is checked against confirmed + pending.
   */
  appendPending(
    streamId: string,
    events: readonly AppendEvent[],
    options: { expectedVersion?: ExpectedVersion; command: OutboxEntry },
  ): Promise<PendingAppendResult>;
  /** Pending events, in the order they were made (optionally of one stream); displaced commands have none. */
  readPending(options?: { streamId?: string }): Promise<Envelope[]>;
  /** Outbox entries in the order the commands ran (displaced ones included). */
  readOutbox(): Promise<OutboxEntry[]>;
  /**
   * Store events the authority has ordered, in one transaction with `options.sync` and
   * `options.rebase`: pending events with the same id, stream and version take their
   * positions (their outbox entry leaves once all its events are confirmed); foreign events
   * for a stream with pending events displace those unless a rebase step for the stream is
   * given (see `ConfirmOutcome.displaced`); ids already stored confirmed are skipped. A
   * version or position already held by another confirmed event, or an id pending at
   * another place, throws `ConfirmConflictError` and writes nothing.
   */
  applyConfirmed(events: readonly PositionedEnvelope[], options?: ConfirmOptions): Promise<ConfirmOutcome>;
  /** Write rebase steps in one transaction (see `RebaseStep`). */
  rebase(steps: readonly RebaseStep[]): Promise<void>;
  /**
   * Forget every confirmed event, snapshot, projection checkpoint and the `'sync'` meta
   * (the server's log was reset), and mark every outbox entry displaced `'reset'`,
   * dropping its pending events, in one transaction. Returns the entries in order.
   */
  resetConfirmed(): Promise<OutboxEntry[]>;
  /** Drop a stream's pending events and outbox entries; returns the entries, in order. */
  takePending(streamId: string): Promise<OutboxEntry[]>;
  /** Be told of changes to the outbox and rejected list, made through this store object. */
  subscribeLocal(listener: (change: LocalChange) => void): () => void;
  addRejected(rejected: readonly RejectedCommand[]): Promise<void>;
  readRejected(): Promise<RejectedCommand[]>;
  /** Forget rejected commands (all, or those with these command ids). */
  clearRejected(commandIds?: readonly string[]): Promise<void>;
  getCheckpoint(name: string): Promise<ProjectionCheckpoint | undefined>;
  putCheckpoint(checkpoint: ProjectionCheckpoint): Promise<void>;
  /** One stored event (confirmed or pending) by id, e.g. to tell whether a command already ran. */
  getEvent(id: string): Promise<Envelope | undefined>;
  getProcessCheckpoint(name: string): Promise<ProcessCheckpoint | undefined>;
  putProcessCheckpoint(checkpoint: ProcessCheckpoint): Promise<void>;
  /** Store a dead letter, replacing one with the same id. */
  putDeadLetter(letter: DeadLetter): Promise<void>;
  /** Dead letters by `at`, then `id`. */
  readDeadLetters(): Promise<DeadLetter[]>;
  /** Forget dead letters (all, or those with these ids). */
  deleteDeadLetters(ids?: readonly string[]): Promise<void>;
  /** Small values: clientId, sync cursor, serverId… */
  getMeta(key: string): Promise<Json | undefined>;
  setMeta(key: string, value: Json): Promise<void>;
}
