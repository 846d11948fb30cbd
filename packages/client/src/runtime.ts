import {
  type AnyAggregate,
  type AnyProjection,
  type AppendEvent,
  ClosedError,
  type CommandContext,
  type CommandName,
  ConcurrencyError,
  type DeadDispatch,
  type DeadLetter,
  decide,
  type Envelope,
  type EventMeta,
  foldDetailed,
  hasErrorCode,
  type LocalEventStore,
  loadAggregate,
  type OutboxEntry,
  type PositionedEnvelope,
  type Projection,
  type RejectedCommand,
  type StateOf,
  serializeError,
  shouldSnapshot,
  snapshotKey,
  uuidv7,
} from '@tidelog/core';
import { UnknownAggregateError, UnknownProcessManagerError, UnknownProjectionError } from './errors.js';
import { Listeners } from './listeners.js';
import { Mailbox } from './mailbox.js';
import { openStore, type StoreSource } from './open-store.js';
import { isProcessCommand, processEventId } from './process-ids.js';
import type { ProcessManager } from './process-manager.js';
import { ProcessRunner } from './process-runner.js';
import { ProjectionRunner } from './projection-runner.js';
import { StreamCache, type StreamEntry } from './stream-cache.js';
import type { SyncApi } from './sync/host.js';
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

export interface TidelogOptions<R extends AnyAggregate> {
  aggregates: readonly R[];
  projections?: readonly AnyProjection[];
  processManagers?: readonly ProcessManager[];
  /**
   * A store or a function opening one; default a `MemoryEventStore`. A store the runtime
   * opened (default, function) is closed with it; a store instance passed in is not.
   */
  store?: StoreSource;
  /** Save a snapshot every this many events of a stream (default: never). */
  snapshotEvery?: number;
  /** Drop a stream's cached state after this long unused and unsubscribed (ms, default 5 min). */
  idleTimeoutMs?: number;
  /**
   * Append commands as pending events with an outbox entry (for a sync engine to push)
   * instead of as confirmed events. Default false: the local store is the authority.
   */
  pending?: boolean;
  /** Save projection (and idle process-manager) checkpoints every this many positions (default 100). */
  checkpointEvery?: number;
  timers?: Timers;
  onWarning?: (warning: TidelogWarning) => void;
}

/** Counters for tests and devtools. */
export interface TidelogDebug {
  cachedStreams: number;
  /** Live listeners of streams, projections and dead letters. */
  listeners: number;
  busyStreams: number;
}

interface Replay {
  commandId: string;
  now: string;
}

/**
 * The Tidelog runtime, in-process. Create it with `createTidelog`.
 */
export class Tidelog<R extends AnyAggregate = AnyAggregate> implements TidelogApi<R> {
  readonly warnings: TidelogWarning[] = [];
  /** Unique to this runtime instance (tells two tabs whether they share one worker). */
  readonly instanceId = uuidv7();
  readonly #aggregates = new Map<string, AnyAggregate>();
  readonly #projections = new Map<string, ProjectionRunner<unknown>>();
  readonly #processes: ProcessRunner[] = [];
  readonly #subs = new Map<string, Listeners<AggregateSnapshot<unknown>>>();
  readonly #deadLetterListeners = new Listeners<DeadLetter>();
  readonly #mailbox = new Mailbox();
  readonly #work = new WorkTracker();
  readonly #cache: StreamCache;
  readonly #timers: Timers;
  readonly #pending: boolean;
  readonly #snapshotEvery: number | undefined;
  #offStore: () => void = () => undefined;
  #closed = false;

  /** Use `createTidelog`: it opens the store and catches projections up first. */
  constructor(
    readonly store: LocalEventStore,
    readonly clientId: string,
    options: TidelogOptions<R>,
    /** True when the runtime opened the store and so closes it. */
    private readonly ownsStore = false,
  ) {
    this.#timers = options.timers ?? systemTimers;
    this.#pending = options.pending ?? false;
    this.#snapshotEvery = options.snapshotEvery;
    this.#cache = new StreamCache(
      options.idleTimeoutMs ?? 300_000,
      this.#timers,
      (key) => (this.#subs.get(key)?.size ?? 0) > 0,
    );
    for (const a of options.aggregates) this.#aggregates.set(a.type, a);
    for (const p of options.projections ?? []) {
      this.#projections.set(
        p.name,
        new ProjectionRunner(store, p, {
          pending: this.#pending,
          checkpointEvery: options.checkpointEvery ?? 100,
        }),
      );
    }
    for (const pm of options.processManagers ?? []) {
      const now = () => new Date(this.#timers.now()).toISOString();
      const host = {
        clientId,
        store,
        now,
        // The derived command id makes the command's event ids derived too (see #decideAndAppend).
        run: (t: DeadDispatch) =>
          this.#run(
            this.aggregateByType(t.aggregateType),
            t.streamId,
            t.command,
            t.payload,
            { metadata: t.metadata },
            { commandId: t.commandId, now: now() },
          ),
        deadLetter: (letter: DeadLetter) => this.#deadLetterListeners.emit(letter),
      };
      this.#processes.push(new ProcessRunner(pm, host, { checkpointEvery: options.checkpointEvery ?? 100 }));
    }
  }

  get storage(): string {
    return this.store.kind;
  }

  /** @internal Called by `createTidelog`. */
  async start(): Promise<void> {
    this.#offStore = this.store.subscribe((events) => this.#onStoreBatch(events));
    // Queued before any batch can reach a process manager: a batch committed by another
    // writer while projections start waits behind `open` instead of running at position 0.
    const opened = Promise.all(this.#processes.map((pm) => pm.open()));
    await Promise.all([...this.#projections.values()].map((p) => p.start()));
    await opened;
    // Reactions the last session did not get to (closed after a commit, before its
    // dispatches) run now, in the background; `settled()` waits for them.
    for (const pm of this.#processes) void this.#work.track(pm.resume());
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
    const agg = this.#aggregate(aggregate);
    if (options.asOfVersion !== undefined || options.asOfTime !== undefined) {
      const loaded = await loadAggregate(this.store, agg, streamId, options);
      return { streamId, state: loaded.state, version: loaded.version };
    }
    const entry = await this.#work.track(
      this.#mailbox.run(this.#key(agg, streamId), () => this.#ensure(agg, streamId)),
    );
    return entry.snapshot as AggregateSnapshot<StateOf<A>>;
  }

  subscribe<A extends R>(
    aggregate: A,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<StateOf<A>>) => void,
  ): Unsubscribe {
    this.#open();
    const agg = this.#aggregate(aggregate);
    const key = this.#key(agg, streamId);
    let listeners = this.#subs.get(key);
    if (!listeners) {
      listeners = new Listeners();
      this.#subs.set(key, listeners);
    }
    let last: unknown;
    let active = true;
    const deliver = (snapshot: AggregateSnapshot<unknown>) => {
      // The first load and a concurrent change may both deliver the same snapshot.
      if (!active || snapshot === last) return;
      last = snapshot;
      listener(snapshot as AggregateSnapshot<StateOf<A>>);
    };
    const off = listeners.add(deliver);
    this.#cache.touch(key);
    this.load(aggregate, streamId).then(
      () => {
        const entry = this.#cache.peek(key);
        if (entry) deliver(entry.snapshot);
      },
      (error: unknown) => console.error(`tidelog: could not load ${key}`, error),
    );
    return () => {
      if (!active) return;
      active = false;
      off();
      if (listeners.size === 0 && this.#subs.get(key) === listeners) this.#subs.delete(key);
      this.#cache.touch(key);
    };
  }

  getSnapshot<A extends R>(aggregate: A, streamId: string): AggregateSnapshot<StateOf<A>> | undefined {
    return this.#cache.peek(this.#key(aggregate, streamId))?.snapshot as
      | AggregateSnapshot<StateOf<A>>
      | undefined;
  }

  subscribeProjection<S>(
    projection: Projection<S> | string,
    listener: (snapshot: ProjectionSnapshot<S>) => void,
  ): Unsubscribe {
    this.#open();
    const runner = this.#projection(projection);
    const off = runner.listeners.add(listener as (s: ProjectionSnapshot<unknown>) => void);
    listener(runner.snapshot as ProjectionSnapshot<S>);
    return off;
  }

  getProjection<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#projections.get(name)?.snapshot as ProjectionSnapshot<S> | undefined;
  }

  rebuildProjection(projection: { readonly name: string } | string): Promise<void> {
    this.#open();
    return this.#work.track(this.#projection(projection).rebuild());
  }

  /** Dead letters of all process managers, oldest first; they live in the store and survive restarts. */
  async deadLetters(): Promise<DeadLetter[]> {
    this.#open();
    return this.store.readDeadLetters();
  }

  /** Be told of each dead letter as it is stored (a new one, or one that failed again on retry). */
  subscribeDeadLetters(listener: (letter: DeadLetter) => void): Unsubscribe {
    return this.#deadLetterListeners.add(listener);
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
    const letter = (await this.store.readDeadLetters()).find((l) => l.id === id);
    if (!letter) return false;
    const runner = this.#processes.find((p) => p.manager.name === letter.processManager);
    if (!runner) throw new UnknownProcessManagerError(letter.processManager);
    await this.#work.track(runner.retry(letter));
    return true;
  }

  /**
   * Delete dead letters (all, or those with these ids) once the app has dealt with them.
   *
   * @example
   * await tidelog.clearDeadLetters([letter.id]);
   */
  async clearDeadLetters(ids?: readonly string[]): Promise<void> {
    this.#open();
    await this.store.deleteDeadLetters(ids);
    for (const p of this.#processes) p.forget(ids);
  }

  // PLACEHOLDERS: the sync-core and bridge work replaces these.
  get sync(): SyncApi {
    throw new Error('tidelog: sync is not built yet');
  }

  rejected(): Promise<RejectedCommand[]> {
    throw new Error('tidelog: rejected is not built yet');
  }

  subscribeRejected(_listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    throw new Error('tidelog: subscribeRejected is not built yet');
  }

  retryRejected(_commandId: string): Promise<void> {
    throw new Error('tidelog: retryRejected is not built yet');
  }

  discardRejected(_commandIds?: readonly string[]): Promise<void> {
    throw new Error('tidelog: discardRejected is not built yet');
  }

  settled(): Promise<void> {
    return this.#work.idle();
  }

  debug(): TidelogDebug {
    let listeners = this.#deadLetterListeners.size;
    for (const l of this.#subs.values()) listeners += l.size;
    for (const p of this.#projections.values()) listeners += p.listeners.size;
    return { cachedStreams: this.#cache.size, listeners, busyStreams: this.#mailbox.busy };
  }

  /**
   * For a sync engine: store events the authority ordered, then refresh what they touch.
   * Commands whose pending events were displaced by foreign ones are re-run on the new
   * state with their original `now` and `commandId` (a rebase); one that now fails is
   * moved to the rejected list with its error.
   */
  async applyConfirmed(events: readonly PositionedEnvelope[]): Promise<void> {
    this.#open();
    const outcome = await this.store.applyConfirmed(events);
    const streams = new Set(events.map((e) => e.streamId));
    for (const key of new Set([...this.#subs.keys(), ...this.#cache.keys()])) {
      const agg = this.#aggregates.get(key.slice(0, key.indexOf(':')));
      const streamId = key.slice(key.indexOf(':') + 1);
      if (agg && streams.has(streamId)) await this.#reload(agg, streamId);
    }
    for (const entry of outcome.displaced) await this.#replay(entry);
    await Promise.all([...this.#projections.values()].map((p) => this.#work.track(p.catchUp())));
    // Confirmations are not announced: let process managers go past them (and forget their ids).
    for (const pm of this.#processes) void this.#work.track(pm.catchUp());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.settled();
    await Promise.all([...this.#projections.values()].map((p) => p.flush()));
    await Promise.all(this.#processes.map((p) => p.flush()));
    this.#closed = true;
    this.#offStore();
    this.#cache.clear();
    this.#subs.clear();
    for (const p of this.#projections.values()) p.listeners.clear();
    this.#deadLetterListeners.clear();
    if (this.ownsStore) await this.store.close();
  }

  #open(): void {
    if (this.#closed) throw new ClosedError('the runtime is closed');
  }

  #key(aggregate: AnyAggregate, streamId: string): string {
    return `${aggregate.type}:${streamId}`;
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

  #projection(projection: { readonly name: string } | string): ProjectionRunner<unknown> {
    const name = typeof projection === 'string' ? projection : projection.name;
    const runner = this.#projections.get(name);
    if (!runner) throw new UnknownProjectionError(name);
    return runner;
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
    const key = this.#key(agg, streamId);
    return this.#work.track(
      this.#mailbox.run(key, () => this.#decideAndAppend(agg, streamId, command, payload, options, replay)),
    );
  }

  async #decideAndAppend(
    agg: AnyAggregate,
    streamId: string,
    command: string,
    payload: unknown,
    options: ExecuteOptions,
    replay?: Replay,
  ): Promise<ExecuteResult<AnyAggregate>> {
    for (let attempt = 1; ; attempt++) {
      const entry = await this.#ensure(agg, streamId);
      const { state, version } = entry.snapshot;
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        throw new ConcurrencyError(streamId, options.expectedVersion, version);
      }
      const metadata = options.metadata ?? {};
      const ctx: CommandContext = {
        streamId,
        version,
        now: replay?.now ?? new Date(this.#timers.now()).toISOString(),
        commandId: replay?.commandId ?? uuidv7(),
        clientId: this.clientId,
        metadata,
      };
      const decided = await decide(agg, state as never, command, payload as never, ctx);
      if (decided.length === 0) return { events: [], state, version };
      const meta: Partial<EventMeta> = {
        ...metadata,
        timestamp: ctx.now,
        clientId: this.clientId,
        commandId: ctx.commandId,
        correlationId: typeof metadata.correlationId === 'string' ? metadata.correlationId : ctx.commandId,
        causationId: typeof metadata.causationId === 'string' ? metadata.causationId : ctx.commandId,
      };
      // A process manager's command derives its event ids from its (derived) command id, so
      // a catch-up can look the command up and not run it twice.
      const derived = isProcessCommand(metadata);
      const events: AppendEvent[] = decided.map((e, i) => ({
        ...e,
        id: derived ? processEventId(ctx.commandId, i) : uuidv7(),
        meta,
      }));
      let envelopes: Envelope[];
      try {
        envelopes = await this.#append(agg, streamId, command, payload, events, ctx);
      } catch (error) {
        // Another writer (another runtime on the same database) got there first: decide
        // again on the fresh state, unless the caller pinned the version.
        if (hasErrorCode(error, 'VERSION_CONFLICT') && options.expectedVersion === undefined && attempt < 3) {
          this.#cache.delete(this.#key(agg, streamId));
          continue;
        }
        throw error;
      }
      this.#advance(entry, envelopes);
      await this.#maybeSnapshot(entry);
      const { snapshot } = entry;
      return {
        events: envelopes,
        state: snapshot.state,
        version: snapshot.version,
      } as ExecuteResult<AnyAggregate>;
    }
  }

  async #append(
    agg: AnyAggregate,
    streamId: string,
    command: string,
    payload: unknown,
    events: AppendEvent[],
    ctx: CommandContext,
  ): Promise<Envelope[]> {
    if (!this.#pending) {
      return (await this.store.appendToStream(streamId, events, { expectedVersion: ctx.version })).events;
    }
    const entry: OutboxEntry = {
      commandId: ctx.commandId,
      aggregateType: agg.type,
      streamId,
      command,
      payload: (payload ?? null) as OutboxEntry['payload'],
      baseVersion: ctx.version,
      eventIds: events.map((e) => e.id!),
      timestamp: ctx.now,
      metadata: ctx.metadata,
    };
    return (
      await this.store.appendPending(streamId, events, { expectedVersion: ctx.version, command: entry })
    ).events;
  }

  async #replay(entry: OutboxEntry): Promise<void> {
    const agg = this.#aggregates.get(entry.aggregateType);
    try {
      if (!agg) throw new UnknownAggregateError(entry.aggregateType);
      await this.#run(
        agg,
        entry.streamId,
        entry.command,
        entry.payload ?? undefined,
        { metadata: entry.metadata },
        {
          commandId: entry.commandId,
          now: entry.timestamp,
        },
      );
    } catch (error) {
      await this.store.addRejected([
        { entry, error: serializeError(error), rejectedAt: new Date(this.#timers.now()).toISOString() },
      ]);
    }
  }

  async #ensure(agg: AnyAggregate, streamId: string): Promise<StreamEntry> {
    const key = this.#key(agg, streamId);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const policy = this.#snapshotEvery ? { every: this.#snapshotEvery } : undefined;
    const loaded = await loadAggregate(this.store, agg, streamId, { snapshotPolicy: policy });
    const entry: StreamEntry = {
      aggregate: agg,
      streamId,
      snapshot: { streamId, state: loaded.state, version: loaded.version },
      snapshotAt: shouldSnapshot(policy, loaded.version, loaded.fromSnapshot)
        ? loaded.version
        : loaded.fromSnapshot,
    };
    this.#cache.set(key, entry);
    this.#subs.get(key)?.emit(entry.snapshot);
    return entry;
  }

  async #reload(agg: AnyAggregate, streamId: string): Promise<void> {
    const key = this.#key(agg, streamId);
    await this.#work.track(
      this.#mailbox.run(key, async () => {
        this.#cache.delete(key);
        if (this.#subs.has(key)) await this.#ensure(agg, streamId);
      }),
    );
  }

  /** Fold newly stored events into a cached entry; true when they did not follow on (reload needed). */
  #advance(entry: StreamEntry, events: readonly Envelope[]): boolean {
    const first = events[0];
    const last = events.at(-1);
    if (!first || !last || last.version <= entry.snapshot.version) return false;
    if (first.version !== entry.snapshot.version + 1) return true;
    const folded = foldDetailed(entry.aggregate, entry.snapshot.state, events, entry.snapshot.version);
    entry.snapshot = { streamId: entry.streamId, state: folded.state, version: folded.version };
    this.#subs.get(this.#key(entry.aggregate, entry.streamId))?.emit(entry.snapshot);
    return false;
  }

  async #maybeSnapshot(entry: StreamEntry): Promise<void> {
    const { version, state } = entry.snapshot;
    if (
      this.#pending ||
      !shouldSnapshot(
        this.#snapshotEvery ? { every: this.#snapshotEvery } : undefined,
        version,
        entry.snapshotAt,
      )
    ) {
      return;
    }
    await this.store.putSnapshot({
      key: snapshotKey(entry.aggregate, entry.streamId),
      streamId: entry.streamId,
      aggregateType: entry.aggregate.type,
      snapshotVersion: entry.aggregate.snapshotVersion,
      version,
      state,
      timestamp: new Date(this.#timers.now()).toISOString(),
    });
    entry.snapshotAt = version;
  }

  #onStoreBatch(events: readonly Envelope[]): void {
    const byStream = new Map<string, Envelope[]>();
    for (const e of events) {
      const list = byStream.get(e.streamId);
      if (list) list.push(e);
      else byStream.set(e.streamId, [e]);
    }
    for (const [streamId, list] of byStream) {
      for (const agg of this.#aggregates.values()) {
        const entry = this.#cache.peek(this.#key(agg, streamId));
        if (entry && this.#advance(entry, list)) void this.#reload(agg, streamId);
      }
    }
    for (const p of this.#projections.values())
      void this.#work.track(p.onBatch(events)).catch(() => undefined);
    for (const pm of this.#processes) void this.#work.track(pm.onBatch(events));
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
  let clientId = await store.getMeta('clientId');
  if (typeof clientId !== 'string') {
    clientId = uuidv7();
    await store.setMeta('clientId', clientId);
  }
  const runtime = new Tidelog<R>(store, clientId, options, owned);
  if (warning) {
    runtime.warnings.push(warning);
    options.onWarning?.(warning);
  }
  await runtime.start();
  return runtime;
}
