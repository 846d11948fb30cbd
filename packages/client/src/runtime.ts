import {
  type AnyAggregate,
  ClosedError,
  type CommandName,
  type DeadDispatch,
  type DeadLetter,
  type LocalChange,
  type LocalEventStore,
  type PositionedEnvelope,
  type Projection,
  type RejectedCommand,
  type SerializedError,
  type StateOf,
  uuidv7,
} from '@tidelog/core';
import { disabledSync } from './disabled-sync.js';
import { UnknownAggregateError } from './errors.js';
import { Listeners } from './listeners.js';
import { Mailbox } from './mailbox.js';
import { deviceClientId, openStore } from './open-store.js';
import type { TidelogOptions } from './options.js';
import { ProcessManagers } from './process/process-managers.js';
import { Projections } from './projections.js';
import { routeStoreNotifications } from './store-notifications.js';
import { Rebaser } from './stream/rebaser.js';
import { RejectedCommands } from './stream/rejected-commands.js';
import { StreamStates } from './stream/stream-states.js';
import { Streams } from './stream/streams.js';
import { createSyncEngine, type SyncEngine } from './sync/engine.js';
import type { SyncApi, SyncCursor, SyncHost } from './sync/host.js';
import { systemTimers } from './timers.js';
import type {
  AggregateSnapshot,
  CommandArgs,
  ExecuteOptions,
  ExecuteResult,
  LoadOptions,
  ProjectionSnapshot,
  TidelogApi,
  TidelogWarning,
  Unsubscribe,
} from './types.js';
import { WorkTracker } from './work-tracker.js';

/** Counters for tests and devtools. */
export interface TidelogDebug {
  cachedStreams: number;
  /** Live listeners of streams, projections and dead letters. */
  listeners: number;
  busyStreams: number;
}

/**
 * The Tidelog runtime, in-process. Create it with `createTidelog`. It wires its parts
 * together and forwards the public API to them: the streams (`Streams`: commands, loads
 * and subscriptions in per-stream mailboxes over `StreamStates`), the confirmed log
 * (the `Rebaser`, which drives the pure rebase), the rejected list (`RejectedCommands`),
 * `Projections`, `ProcessManagers` and the sync loop (`createSyncEngine`, whose `SyncHost`
 * it is). What each method does is documented on `TidelogApi` and `SyncHost`.
 */
export class Tidelog<R extends AnyAggregate = AnyAggregate> implements TidelogApi<R>, SyncHost {
  readonly warnings: TidelogWarning[] = [];
  /** Unique to this runtime instance (tells two tabs whether they share one worker). */
  readonly instanceId = uuidv7();
  readonly #aggregates = new Map<string, AnyAggregate>();
  readonly #projections: Projections;
  readonly #processes: ProcessManagers;
  readonly #states: StreamStates;
  readonly #rebaser: Rebaser;
  readonly #streams: Streams;
  readonly #rejected: RejectedCommands;
  /** The sync loop's `onLocalChange` listeners. */
  readonly #local = new Listeners<LocalChange | undefined>();
  /** The app's dead-letter listeners, told by the process managers. */
  readonly #deadLetters = new Listeners<DeadLetter>();
  /** Unsubscribes from the store's notifications (set by `start`). */
  #unlisten = () => {};
  /** Streams are keyed by id alone: the store holds one stream per id, whatever its type. */
  readonly #mailbox = new Mailbox();
  readonly #work = new WorkTracker();
  readonly #options: TidelogOptions<R>;
  /** The time now, ISO-8601, by the runtime's timers. */
  readonly #now: () => string;
  #engine: SyncEngine | undefined;
  #closed = false;

  /** Use `createTidelog`: it opens the store and catches projections up first. */
  constructor(
    readonly store: LocalEventStore,
    readonly clientId: string,
    options: TidelogOptions<R>,
    /** True when the runtime opened the store and so closes it. */
    private readonly ownsStore = false,
    /** What opening the store warned of (a fallback taken): reported as the runtime's own. */
    opening: readonly TidelogWarning[] = [],
  ) {
    this.#options = options;
    const timers = options.timers ?? systemTimers;
    const pending = options.pending ?? options.sync !== undefined;
    const now = () => new Date(timers.now()).toISOString();
    this.#now = now;
    const warn = (w: TidelogWarning) => this.#warn(w);
    for (const w of opening) warn(w);
    for (const a of options.aggregates) this.#aggregates.set(a.type, a);
    this.#states = new StreamStates(store, timers, { ...options, pending, warn });
    // What the parts share; each takes what its host interface names.
    const parts = {
      store,
      clientId,
      pending,
      now,
      warn,
      aggregates: this.#aggregates,
      states: this.#states,
      mailbox: this.#mailbox,
      work: this.#work,
      rebasing: new Set<string>(),
      /** Run a task inside the stream's mailbox, counted as work. */
      inStream: <T>(streamId: string, task: () => Promise<T>) =>
        this.#work.track(this.#mailbox.run(streamId, task)),
      catchUp: () => this.#afterRebase(),
      checkpointEvery: options.checkpointEvery ?? 100,
      run: (t: DeadDispatch) => this.#dispatch(t),
      deadLetter: (letter: DeadLetter) => this.#deadLetters.emit(letter),
    };
    this.#rebaser = new Rebaser(parts);
    this.#streams = new Streams(parts);
    this.#rejected = new RejectedCommands(parts);
    this.#projections = new Projections(options.projections ?? [], parts);
    this.#processes = new ProcessManagers(options.processManagers ?? [], parts);
  }

  get storage(): string {
    return this.store.kind;
  }

  /** @internal Called by `createTidelog`. */
  async start(): Promise<void> {
    this.#unlisten = routeStoreNotifications(this.store, {
      streams: this.#streams,
      projections: this.#projections,
      processes: this.#processes,
      rejected: this.#rejected,
      local: this.#local,
      closed: () => this.#closed,
    });
    // Queued before any batch can reach a process manager: a batch committed by another
    // writer while projections start waits behind `open` instead of running at position 0.
    const opened = this.#processes.open();
    await this.#projections.start();
    await opened;
    // A rebase the last session did not finish: posted to its streams' mailboxes before the
    // runtime is handed out, so no command decides before it.
    this.#rebaser.resume();
    // Reactions the last session did not get to (closed after a commit, before its
    // dispatches) run now, in the background; `settled()` waits for them.
    this.#processes.resume();
    if (this.#options.sync) this.#engine = createSyncEngine(this, this.#options.sync);
  }

  execute<A extends R, K extends CommandName<A>>(
    aggregate: A,
    streamId: string,
    command: K,
    ...args: CommandArgs<A, K>
  ): Promise<ExecuteResult<A>>;
  execute(aggregate: R, streamId: string, command: string, payload?: unknown, options: ExecuteOptions = {}) {
    const agg = this.aggregateByType(aggregate.type);
    this.#open();
    return this.#streams.execute(agg, streamId, command, payload, options);
  }

  async load<A extends R>(
    aggregate: A,
    streamId: string,
    options: LoadOptions = {},
  ): Promise<AggregateSnapshot<StateOf<A>>> {
    this.#open();
    const snapshot = await this.#streams.load(this.aggregateByType(aggregate.type), streamId, options);
    return snapshot as AggregateSnapshot<StateOf<A>>;
  }

  subscribe<A extends R>(
    aggregate: A,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<StateOf<A>>) => void,
  ): Unsubscribe {
    this.#open();
    const agg = this.aggregateByType(aggregate.type);
    return this.#streams.subscribe(agg, streamId, listener as (s: AggregateSnapshot<unknown>) => void);
  }

  getSnapshot<A extends R>(aggregate: A, streamId: string): AggregateSnapshot<StateOf<A>> | undefined {
    return this.#states.peek(streamId, aggregate.type)?.snapshot as AggregateSnapshot<StateOf<A>> | undefined;
  }

  subscribeProjection<S>(
    projection: Projection<S> | string,
    listener: (snapshot: ProjectionSnapshot<S>) => void,
  ): Unsubscribe {
    this.#open();
    return this.#projections.subscribe(projection, listener);
  }

  getProjection<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined {
    return this.#projections.snapshot(projection);
  }

  rebuildProjection(projection: { readonly name: string } | string): Promise<void> {
    this.#open();
    return this.#projections.rebuild(projection);
  }

  async deadLetters(): Promise<DeadLetter[]> {
    this.#open();
    return this.store.readDeadLetters();
  }

  subscribeDeadLetters(listener: (letter: DeadLetter) => void): Unsubscribe {
    return this.#deadLetters.add(listener);
  }

  async retryDeadLetter(id: string): Promise<boolean> {
    this.#open();
    return this.#processes.retry(id);
  }

  async clearDeadLetters(ids?: readonly string[]): Promise<void> {
    this.#open();
    await this.#processes.clear(ids);
  }

  get sync(): SyncApi {
    return this.#engine ?? disabledSync;
  }

  rejected(): Promise<RejectedCommand[]> {
    this.#open();
    return this.store.readRejected();
  }

  subscribeRejected(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    this.#open();
    return this.#rejected.subscribe(listener);
  }

  async retryRejected(commandId: string): Promise<void> {
    this.#open();
    await this.#rejected.retry(commandId);
    this.#rebaser.rebased();
  }

  async discardRejected(commandIds?: readonly string[]): Promise<void> {
    this.#open();
    await this.store.clearRejected(commandIds);
  }

  // SyncHost: the sync loop's side of the runtime.

  async confirm(events: readonly PositionedEnvelope[], sync?: SyncCursor): Promise<void> {
    this.#open();
    await this.#rebaser.confirm(events, sync);
  }

  async reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    this.#open();
    await this.#rebaser.reject(commandIds, error);
  }

  async resetConfirmed(): Promise<void> {
    this.#open();
    await this.#rebaser.resetConfirmed();
    await this.#projections.rebuildAll();
  }

  onLocalChange(listener: (change?: LocalChange) => void): Unsubscribe {
    return this.#local.add(listener);
  }

  /**
   * @internal Another writer changed the outbox of this runtime's store (another tab of the
   * in-page fallback): the sync loop reads the outbox again and pushes what it finds.
   */
  outboxChanged(): void {
    this.#local.emit(undefined);
  }

  async counts(): Promise<{ pending: number; rejected: number }> {
    this.#open();
    const [outbox, rejected] = await Promise.all([this.store.readOutbox(), this.store.readRejected()]);
    return { pending: outbox.length, rejected: rejected.length };
  }

  settled(): Promise<void> {
    return this.#work.idle();
  }

  /** Counters for tests and devtools. */
  debug(): TidelogDebug {
    const listeners = this.#deadLetters.size + this.#states.listenerCount + this.#projections.listenerCount;
    return { cachedStreams: this.#states.size, listeners, busyStreams: this.#mailbox.busy };
  }

  /** Stop the sync loop, wait for background work, save checkpoints, drop listeners, close an owned store. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#engine?.close();
    await this.settled();
    await this.#projections.flush();
    await this.#processes.flush();
    this.#closed = true;
    this.#unlisten();
    this.#local.clear();
    this.#states.clear();
    this.#projections.clearListeners();
    this.#deadLetters.clear();
    this.#rejected.listeners.clear();
    if (this.ownsStore) await this.store.close();
  }

  /** The registered aggregate of this type (for bridges that only carry the name). */
  aggregateByType(type: string): R {
    const known = this.#aggregates.get(type);
    if (!known) throw new UnknownAggregateError(type);
    return known as R;
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('the runtime is closed');
  }

  #warn(warning: TidelogWarning): void {
    this.warnings.push(warning);
    this.#options.onWarning?.(warning);
  }

  /** A process manager's command. The derived command id makes its event ids derived too (see `commandEvents`). */
  #dispatch(t: DeadDispatch): Promise<ExecuteResult<AnyAggregate>> {
    const agg = this.aggregateByType(t.aggregateType);
    const replay = { commandId: t.commandId, now: this.#now() };
    this.#open();
    // The dispatch as the options: its `metadata`, no expected version.
    return this.#streams.execute(agg, t.streamId, t.command, t.payload, t, replay);
  }

  /** After confirmations and rebases: projections and process managers read what changed. */
  async #afterRebase(): Promise<void> {
    await this.#projections.catchUp();
    // Confirmations are not announced: let process managers go past them (and forget their ids).
    await this.#processes.catchUp();
  }
}

/**
 * Create a runtime in this process (Node, tests, a worker, a page): open the store (it
 * rejects with `STORAGE_UNAVAILABLE` when persistent storage cannot open, unless the store
 * is opened `withMemoryFallback`), read or mint the device's `clientId`, and catch
 * projections up.
 *
 * @example
 * const tidelog = await createTidelog({ aggregates: [Counter], projections: [Totals], store: new MemoryEventStore() });
 * const { state } = await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function createTidelog<const R extends AnyAggregate>(
  options: TidelogOptions<R>,
): Promise<Tidelog<R>> {
  const { store, owned, warnings } = await openStore(options.store);
  const runtime = new Tidelog<R>(store, await deviceClientId(store), options, owned, warnings);
  await runtime.start();
  return runtime;
}
