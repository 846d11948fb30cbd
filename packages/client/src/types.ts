import type {
  AnyAggregate,
  CommandName,
  DeadLetter,
  Envelope,
  EventOf,
  JsonObject,
  NewEvent,
  PayloadOf,
  Projection,
  RejectedCommand,
  SerializedError,
  StateOf,
} from '@tidelog/core';
import type { SyncApi } from './sync/host.js';

/** Stop listening. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/** An aggregate instance's state as the app sees it: confirmed + pending events folded. */
export interface AggregateSnapshot<S> {
  streamId: string;
  state: S;
  version: number;
  /**
   * Goes up with every state the runtime publishes (of any stream), never down: a newer
   * state may have a lower `version` (a rebase rejected a pending command).
   */
  revision: number;
}

/** A projection's state: confirmed state at `checkpoint` with the pending overlay folded on top. */
export interface ProjectionSnapshot<S> {
  name: string;
  state: S;
  /** Last position folded into the confirmed state. */
  checkpoint: number;
  /** How many pending (unconfirmed) events the overlay holds. */
  pending: number;
  /** Goes up with every state published, never down (see `AggregateSnapshot.revision`). */
  revision: number;
}

/** The envelopes an aggregate's commands produce, typed by event. */
export type EnvelopeOf<A> =
  EventOf<A> extends infer E
    ? E extends NewEvent<infer T, infer D>
      ? Envelope<T, D & JsonObject>
      : never
    : never;

export interface ExecuteOptions {
  /** Refuse the command with `ConcurrencyError` unless the stream is at this version. */
  expectedVersion?: number;
  /** Copied into every event's `meta` and into `ctx.metadata`. */
  metadata?: JsonObject;
}

export interface ExecuteResult<A> {
  events: EnvelopeOf<A>[];
  state: StateOf<A>;
  version: number;
  /** The revision of the stream's state after the command (see `AggregateSnapshot.revision`). */
  revision: number;
}

export interface LoadOptions {
  /** The state as it was at this version. */
  asOfVersion?: number;
  /** The state as it was at this time (ISO-8601). */
  asOfTime?: string;
}

/** The arguments after the command name: the payload (optional when the command takes none), then options. */
export type CommandArgs<A, K> =
  undefined extends PayloadOf<A, K>
    ? [payload?: PayloadOf<A, K>, options?: ExecuteOptions]
    : [payload: PayloadOf<A, K>, options?: ExecuteOptions];

/**
 * A command a process manager failed to dispatch (or a handler that threw), with its error
 * (`serializeError`: name, code, message, details). Stored in the local store.
 */
export type { DeadDispatch, DeadLetter } from '@tidelog/core';

/** Something the app should know but that did not stop the runtime, e.g. a storage fallback. */
export interface TidelogWarning {
  code: string;
  message: string;
  error?: SerializedError;
}

/** Where the runtime lives, as seen from a page. */
export type ClientMode = 'in-process' | 'shared-worker' | 'dedicated-worker' | 'follower' | 'in-page';

/**
 * What an app talks to, wherever the runtime lives: in-process (`createTidelog`) or in a
 * worker (`connectTidelog`). `R` is the union of the app's aggregates: commands of other
 * aggregates, wrong names and wrong payloads are compile errors.
 */
export interface TidelogApi<R extends AnyAggregate = AnyAggregate> {
  /** `'memory'`, `'indexeddb'`… `'memory'` after a fallback from storage that could not open. */
  readonly storage: string;
  /** Warnings raised so far (e.g. `STORAGE_FALLBACK`). */
  readonly warnings: readonly TidelogWarning[];
  /** This device's id, stored with the data (minted on first open). */
  readonly clientId: string;
  /** The runtime instance: equal for every page served by the same worker. */
  readonly instanceId: string;
  /**
   * Run a command: decide on the current state, append its events, notify subscribers.
   * Domain errors reject the promise (typed, with `code`); nothing is written then.
   */
  execute<A extends R, K extends CommandName<A>>(
    aggregate: A,
    streamId: string,
    command: K,
    ...args: CommandArgs<A, K>
  ): Promise<ExecuteResult<A>>;
  /** The current state (cached), or the state at a version or time. */
  load<A extends R>(
    aggregate: A,
    streamId: string,
    options?: LoadOptions,
  ): Promise<AggregateSnapshot<StateOf<A>>>;
  /** Be told of every new state of a stream, starting with the current one. */
  subscribe<A extends R>(
    aggregate: A,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<StateOf<A>>) => void,
  ): Unsubscribe;
  /** The last known state of a subscribed or cached stream, synchronously (for `useSyncExternalStore`). */
  getSnapshot<A extends R>(aggregate: A, streamId: string): AggregateSnapshot<StateOf<A>> | undefined;
  /** Be told of every new state of a projection, starting with the current one. */
  subscribeProjection<S>(
    projection: Projection<S> | string,
    listener: (snapshot: ProjectionSnapshot<S>) => void,
  ): Unsubscribe;
  /** A projection's last known state, synchronously. */
  getProjection<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined;
  /** Fold a projection again from the first event. */
  rebuildProjection(projection: { readonly name: string } | string): Promise<void>;
  /**
   * Commands process managers could not dispatch (or handlers that threw), oldest first:
   * they live in the store and survive restarts.
   *
   * @example
   * for (const letter of await tidelog.deadLetters()) console.warn(letter.processManager, letter.error.code);
   */
  deadLetters(): Promise<DeadLetter[]>;
  /** Be told of each dead letter as it is stored (a new one, or one that failed again on retry). */
  subscribeDeadLetters(listener: (letter: DeadLetter) => void): Unsubscribe;
  /**
   * Run a dead letter again: its command, with the same command id and metadata, or the
   * handler if that threw. True when it went through (the letter is deleted), false when
   * there is no such letter (already retried or cleared); rejects with the error when it
   * fails again (the letter stays, with that error).
   *
   * @example
   * for (const letter of await tidelog.deadLetters()) await tidelog.retryDeadLetter(letter.id).catch(console.warn);
   */
  retryDeadLetter(id: string): Promise<boolean>;
  /**
   * Delete dead letters (those with these ids, or all of them) once the app has dealt with them.
   *
   * @example
   * await tidelog.clearDeadLetters([letter.id]);
   */
  clearDeadLetters(ids?: readonly string[]): Promise<void>;
  /**
   * The sync loop: status, `now()`, `pause()`/`resume()` (`docs/sync.md`). Without a
   * `sync` option the status stays `idle` and `now()` rejects with `SYNC_DISABLED`.
   */
  readonly sync: SyncApi;
  /**
   * Commands that failed when re-run on new confirmed state (or that the server refused),
   * oldest first, each with its error and its original command and payload.
   *
   * @example
   * for (const r of await tidelog.rejected()) console.warn(r.entry.command, r.error.code);
   */
  rejected(): Promise<RejectedCommand[]>;
  /**
   * Be told of the whole rejected list whenever it changes, starting with the current one.
   *
   * @example
   * const off = tidelog.subscribeRejected((list) => render(list));
   */
  subscribeRejected(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe;
  /**
   * Run a rejected command again, as the same command (same id, payload, metadata and
   * `now`), on the stream's current state. It leaves `rejected` in the same transaction as
   * its events are stored; when it fails again it stays, with the new error, and the
   * promise rejects with that error.
   *
   * @example
   * await tidelog.retryRejected(rejected[0].entry.commandId).catch((e) => console.warn(e.code));
   */
  retryRejected(commandId: string): Promise<void>;
  /**
   * Forget rejected commands (those with these command ids, or all of them) once the app
   * has dealt with them.
   *
   * @example
   * await tidelog.discardRejected([commandId]);
   */
  discardRejected(commandIds?: readonly string[]): Promise<void>;
  /** Resolves when all background work (projections, process managers, rebases) has run. */
  settled(): Promise<void>;
  close(): Promise<void>;
}
