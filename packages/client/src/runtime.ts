import {
  type AnyAggregate,
  ClosedError,
  type CommandName,
  type DeadDispatch,
  type DeadLetter,
  type Envelope,
  type LocalChange,
  type LocalEventStore,
  type PositionedEnvelope,
  type Projection,
  type RejectedCommand,
  type SerializedError,
  type StateOf,
  serializeError,
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
import { CommandRunner, type Replay } from './stream/command-runner.js';
import { Rebaser } from './stream/rebaser.js';
import { RejectedCommands } from './stream/rejected-commands.js';
import { StreamStates } from './stream/stream-states.js';
import { Streams } from './stream/streams.js';
import { createSyncEngine, type SyncEngine } from './sync/engine.js';
import type { SyncApi, SyncCursor, SyncHost } from './sync/host.js';
import { systemTimers, type Timers } from './timers.js';
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
 * The Tidelog runtime, in-process. Create it with `createTidelog`. It coordinates: stream
 * states (`StreamStates`), the rebase (`Rebaser`), projections, process managers and the
 * sync loop each live in their own module.
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
  readonly #localListeners = new Listeners<void>();
  readonly #rejected: RejectedCommands;
  /** Streams are keyed by id alone: the store holds one stream per id, whatever its type. */
  readonly #mailbox = new Mailbox();
  readonly #work = new WorkTracker();
  readonly #timers: Timers;
  readonly #pending: boolean;
  readonly #options: TidelogOptions<R>;
  #engine: SyncEngine | undefined;
  #offStore: () => void = () => undefined;
  #offLocal: () => void = () => undefined;
  #closed = false;

  /** Use `createTidelog`: it opens the store and catches projections up first. */
  constructor(
    readonly store: LocalEventStore,
    readonly clientId: string,
    options: TidelogOptions<R>,
    /** True when the runtime opened the store and so closes it. */
    private readonly ownsStore = false,
  ) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#pending = options.pending ?? options.sync !== undefined;
    this.#states = new StreamStates(store, this.#timers, {
      idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
      // Snapshots are of confirmed state: with pending events there is none to take.
      snapshotEvery: this.#pending ? undefined : options.snapshotEvery,
      onSnapshotError: (error, entry) =>
        this.#warn({
          code: 'SNAPSHOT_FAILED',
          message: `the snapshot of "${entry.streamId}" could not be saved (its events were): ${String(error)}`,
          error: serializeError(error),
        }),
    });
    for (const a of options.aggregates) this.#aggregates.set(a.type, a);
    const commands = new CommandRunner({
      store,
      states: this.#states,
      clientId,
      pending: this.#pending,
      now: () => this.#now(),
    });
    this.#rebaser = new Rebaser({
      store,
      clientId,
      aggregates: this.#aggregates,
      mailbox: this.#mailbox,
      now: () => this.#now(),
      refresh: (streams) => this.#refresh(streams),
      warn: (w) => this.#warn(w),
    });
    const streamParts = { store, aggregates: this.#aggregates, mailbox: this.#mailbox, states: this.#states };
    this.#streams = new Streams({ ...streamParts, commands, work: this.#work, rebasing: this.#rebaser.busy });
    this.#rejected = new RejectedCommands({ ...streamParts, commands, work: this.#work });
    const checkpointEvery = options.checkpointEvery ?? 100;
    this.#projections = new Projections(
      store,
      options.projections ?? [],
      { pending: this.#pending, checkpointEvery },
      this.#work,
    );
    const processHost = {
      clientId,
      store,
      now: () => this.#now(),
      // The derived command id makes the command's event ids derived too (see `commandEvents`).
      run: (t: DeadDispatch) =>
        this.#run(
          this.aggregateByType(t.aggregateType),
          t.streamId,
          t.command,
          t.payload,
          { metadata: t.metadata },
          { commandId: t.commandId, now: this.#now() },
        ),
    };
    this.#processes = new ProcessManagers(
      options.processManagers ?? [],
      processHost,
      checkpointEvery,
      this.#work,
    );
  }

  get storage(): string {
    return this.store.kind;
  }

  /** @internal Called by `createTidelog`. */
  async start(): Promise<void> {
    this.#offStore = this.store.subscribe((events) => this.#onStoreBatch(events));
    this.#offLocal = this.store.subscribeLocal((change) => this.#onLocalChange(change));
    // Queued before any batch can reach a process manager: a batch committed by another
    // writer while projections start waits behind `open` instead of running at position 0.
    const opened = this.#processes.open();
    await this.#projections.start();
    await opened;
    // A rebase the last session did not finish: posted to its streams' mailboxes before the
    // runtime is handed out, so no command decides before it.
    const resumed = this.#rebaser.resume();
    void this.#work
      .track(resumed.then(() => this.#afterRebase()))
      .catch((error: unknown) =>
        this.#warn({ code: 'REBASE_DEFERRED', message: `resuming a rebase failed: ${String(error)}` }),
      );
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
    return this.#run(this.#aggregate(aggregate), streamId, command, payload, options);
  }

  async load<A extends R>(
    aggregate: A,
    streamId: string,
    options: LoadOptions = {},
  ): Promise<AggregateSnapshot<StateOf<A>>> {
    this.#open();
    const snapshot = await this.#streams.load(this.#aggregate(aggregate), streamId, options);
    return snapshot as AggregateSnapshot<StateOf<A>>;
  }

  subscribe<A extends R>(
    aggregate: A,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<StateOf<A>>) => void,
  ): Unsubscribe {
    this.#open();
    const agg = this.#aggregate(aggregate);
    return this.#streams.subscribe(agg, streamId, listener as (s: AggregateSnapshot<unknown>) => void);
  }

  getSnapshot<A extends R>(aggregate: A, streamId: string): AggregateSnapshot<StateOf<A>> | undefined {
    return this.#states.peek(aggregate, streamId)?.snapshot as AggregateSnapshot<StateOf<A>> | undefined;
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

  /** Dead letters of all process managers, oldest first; they live in the store and survive restarts. */
  async deadLetters(): Promise<DeadLetter[]> {
    this.#open();
    return this.#processes.list();
  }

  /** Be told of each dead letter as it is stored (a new one, or one that failed again on retry). */
  subscribeDeadLetters(listener: (letter: DeadLetter) => void): Unsubscribe {
    return this.#processes.subscribe(listener);
  }

  /**
   * Run a dead letter again: its command, with the same command id and metadata, or the
   * handler if that threw. Resolves true when it went through (the letter is deleted),
   * false when there is no such letter (already retried or cleared); rejects with the
   * error when it fails again (the letter stays, with that error).
   *
   * @example
   * for (const letter of await tidelog.deadLetters()) await tidelog.retryDeadLetter(letter.id).catch(console.warn);
   */
  async retryDeadLetter(id: string): Promise<boolean> {
    this.#open();
    return this.#processes.retry(id);
  }

  /**
   * Delete dead letters (all, or those with these ids) once the app has dealt with them.
   *
   * @example
   * await tidelog.clearDeadLetters([letter.id]);
   */
  async clearDeadLetters(ids?: readonly string[]): Promise<void> {
    this.#open();
    await this.#processes.clear(ids);
  }

  /** The sync loop (`docs/sync.md`); without a `sync` option, an idle one whose `now()` rejects with `SYNC_DISABLED`. */
  get sync(): SyncApi {
    return this.#engine ?? disabledSync;
  }

  /**
   * Commands that failed when decided again on new confirmed state, or that the server
   * refused, oldest first, each with its error and its original command and payload.
   *
   * @example
   * for (const r of await tidelog.rejected()) console.warn(r.entry.command, r.error.code);
   */
  rejected(): Promise<RejectedCommand[]> {
    this.#open();
    return this.#rejected.list();
  }

  /**
   * Be told of the whole rejected list whenever it changes, starting with the current one.
   *
   * @example
   * const off = tidelog.subscribeRejected((list) => render(list));
   */
  subscribeRejected(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    this.#open();
    return this.#rejected.subscribe(listener);
  }

  /**
   * Run a rejected command again, as the same command (same id, payload, metadata and
   * `now`), on the stream's current state. It leaves `rejected` in the same transaction as
   * its events are stored; when it fails again it stays, with the new error, and the
   * promise rejects with that error.
   *
   * @example
   * await tidelog.retryRejected(rejected[0].entry.commandId).catch((e) => console.warn(e.code));
   */
  async retryRejected(commandId: string): Promise<void> {
    this.#open();
    await this.#rejected.retry(commandId);
    void this.#work.track(this.#afterRebase());
  }

  /**
   * Forget rejected commands (those with these command ids, or all) once the app has dealt with them.
   *
   * @example
   * await tidelog.discardRejected([commandId]);
   */
  async discardRejected(commandIds?: readonly string[]): Promise<void> {
    this.#open();
    await this.#rejected.discard(commandIds);
  }

  // SyncHost: the sync loop's side of the runtime.

  /**
   * Store a pulled page and the cursor, and rebase the streams it touches, in one
   * transaction inside their mailboxes (see `SyncHost.confirm`). Resolves once it is stored.
   *
   * @example
   * await tidelog.confirm(page.events, { cursor: page.events.at(-1).position, serverId: page.serverId });
   */
  async confirm(events: readonly PositionedEnvelope[], sync?: SyncCursor): Promise<void> {
    this.#open();
    await this.#work.track(this.#rebaser.confirm(events, sync));
    void this.#work.track(this.#afterRebase());
  }

  /**
   * The server refused these commands' events (400/413): file them in `rejected` with its
   * error and decide the rest of their streams again.
   *
   * @example
   * await tidelog.reject([entry.commandId], serializeError(error));
   */
  async reject(commandIds: readonly string[], error: SerializedError): Promise<void> {
    this.#open();
    await this.#work.track(this.#rebaser.reject(commandIds, error));
    void this.#work.track(this.#afterRebase());
  }

  /**
   * The server's log was reset: forget confirmed events, projection state and the cursor;
   * keep every command, displaced, until the new log is pulled (then `confirm([])`).
   *
   * @example
   * await tidelog.resetConfirmed();
   */
  async resetConfirmed(): Promise<void> {
    this.#open();
    await this.#work.track(this.#rebaser.resetConfirmed(this.#states.streams()));
    await this.#projections.rebuildAll();
  }

  /**
   * Be told whenever the outbox or the rejected list changes.
   *
   * @example
   * const off = tidelog.onLocalChange(() => wakePush());
   */
  onLocalChange(listener: () => void): Unsubscribe {
    return this.#localListeners.add(listener);
  }

  /**
   * How many commands wait in the outbox (displaced ones included) and in `rejected`.
   *
   * @example
   * const { pending, rejected } = await tidelog.counts();
   */
  async counts(): Promise<{ pending: number; rejected: number }> {
    this.#open();
    const [outbox, rejected] = await Promise.all([this.store.readOutbox(), this.store.readRejected()]);
    return { pending: outbox.length, rejected: rejected.length };
  }

  settled(): Promise<void> {
    return this.#work.idle();
  }

  debug(): TidelogDebug {
    const listeners =
      this.#processes.listenerCount + this.#states.listenerCount + this.#projections.listenerCount;
    return { cachedStreams: this.#states.cachedStreams, listeners, busyStreams: this.#mailbox.busy };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#engine?.close();
    await this.settled();
    await this.#projections.flush();
    await this.#processes.flush();
    this.#closed = true;
    this.#offStore();
    this.#offLocal();
    this.#states.clear();
    this.#projections.clearListeners();
    this.#processes.clearListeners();
    this.#localListeners.clear();
    this.#rejected.clearListeners();
    if (this.ownsStore) await this.store.close();
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('the runtime is closed');
  }

  #now(): string {
    return new Date(this.#timers.now()).toISOString();
  }

  #warn(warning: TidelogWarning): void {
    this.warnings.push(warning);
    this.#options.onWarning?.(warning);
  }

  #aggregate(aggregate: AnyAggregate): AnyAggregate {
    return this.aggregateByType(aggregate.type);
  }

  /** The registered aggregate of this type (for bridges that only carry the name). */
  aggregateByType(type: string): R {
    const known = this.#aggregates.get(type);
    if (!known) throw new UnknownAggregateError(type);
    return known as R;
  }

  #run(
    agg: AnyAggregate,
    streamId: string,
    command: string,
    payload: unknown,
    options: ExecuteOptions,
    replay?: Replay,
  ): Promise<ExecuteResult<AnyAggregate>> {
    this.#open();
    return this.#streams.execute(agg, streamId, command, payload, options, replay);
  }

  /** Refresh the states of streams a rebase touched (called inside their mailboxes). */
  async #refresh(streams: readonly string[]): Promise<void> {
    for (const streamId of new Set(streams)) {
      try {
        await this.#states.refresh(streamId, this.#aggregates);
      } catch (error) {
        // What was written stays written: the state is read again on its next use.
        this.#warn({
          code: 'REFRESH_FAILED',
          message: `could not read "${streamId}" again: ${String(error)}`,
        });
      }
    }
  }

  /** After confirmations and rebases: projections and process managers read what changed. */
  async #afterRebase(): Promise<void> {
    await this.#projections.catchUp();
    // Confirmations are not announced: let process managers go past them (and forget their ids).
    await this.#processes.catchUp();
  }

  #onLocalChange(change: LocalChange): void {
    if (change.outbox || change.rejected) this.#localListeners.emit();
    if (change.rejected) this.#rejected.changed();
    // Pending events dropped by someone other than a rebase (`takePending`): show it.
    if (!this.#closed && this.#streams.onDropped(change.dropped)) this.#projections.refresh();
  }

  #onStoreBatch(events: readonly Envelope[]): void {
    this.#streams.onStored(events);
    this.#projections.onBatch(events);
    this.#processes.onBatch(events);
  }
}

/**
 * Create a runtime in this process (Node, tests, a worker, a page): open the store (with
 * a memory fallback when persistent storage is unavailable), read or mint the device's
 * `clientId`, and catch projections up.
 *
 * @example
 * const tidelog = await createTidelog({ aggregates: [Counter], projections: [Totals] });
 * const { state } = await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function createTidelog<const R extends AnyAggregate>(
  options: TidelogOptions<R>,
): Promise<Tidelog<R>> {
  const { store, owned, warning } = await openStore(options.store);
  const runtime = new Tidelog<R>(store, await deviceClientId(store), options, owned);
  if (warning) {
    runtime.warnings.push(warning);
    options.onWarning?.(warning);
  }
  await runtime.start();
  return runtime;
}
