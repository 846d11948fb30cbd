import {
  type AnyAggregate,
  ClosedError,
  type CommandName,
  type Projection,
  type RejectedCommand,
  type StateOf,
  serializeError,
} from '@tidelog/core';
import { WorkerLostError } from '../errors.js';
import { Listeners } from '../listeners.js';
import type { SyncApi } from '../sync/host.js';
import type {
  AggregateSnapshot,
  ClientMode,
  CommandArgs,
  DeadLetter,
  ExecuteOptions,
  ExecuteResult,
  LoadOptions,
  ProjectionSnapshot,
  TidelogApi,
  TidelogWarning,
  Unsubscribe,
} from '../types.js';
import { CallGuard } from './call-guard.js';
import { whenFree } from './locks.js';
import { type Pushed, RemoteSubscriptions } from './remote-subscriptions.js';
import { RemoteSync } from './remote-sync.js';
import type { Push, Target, TidelogSession } from './session.js';

const DEAD_LETTERS = '["deadLetters"]';
const REJECTED = '["rejected"]';
const SYNC = '["sync"]';

/** How a client reaches a session: the session and how to hand it a callback. */
export interface Link {
  session: TidelogSession;
  /** Wrap the push callback for the transport (`comlink.proxy` for a worker). */
  wrapPush: (push: (message: Push) => void) => (message: Push) => void;
  /** Close the transport after `disconnect` (and, in-page, the runtime the page owns). */
  close?: () => void | Promise<void>;
  /** Call `onLost` if the transport learns that the other side is gone (a port's `close` event). */
  watchLost?: (onLost: () => void) => void;
}

/**
 * The page side of a runtime that lives elsewhere (a SharedWorker, a dedicated Worker, a
 * leader tab, or in-page): the same API as the runtime. One remote subscription per
 * stream or projection, fanned out to local listeners, whose last snapshot
 * `getSnapshot` returns synchronously.
 *
 * @example
 * const client = new TidelogClient(link, 'shared-worker', tabLock);
 * await client.ready;
 */
export class TidelogClient<R extends AnyAggregate = AnyAggregate> implements TidelogApi<R> {
  storage = 'unknown';
  warnings: readonly TidelogWarning[] = [];
  clientId = '';
  /** The runtime instance this client talks to (equal across tabs sharing a worker). */
  instanceId = '';
  readonly ready: Promise<void>;
  readonly #subs = new RemoteSubscriptions({
    // Before attaching, `#attach` makes every subscription it finds; after, each one is sent
    // at once, so that later calls on the same port are ordered after it.
    subscribe: (subId, target) => {
      if (this.#attached) void this.#call((s) => s.subscribe(subId, target)).catch(reportError);
    },
    unsubscribe: (subId) => {
      if (this.#closed || this.#guard.lost) return;
      void this.#call((s) => s.unsubscribe(subId)).catch(reportError);
    },
  });
  #link: Link;
  /** Calls in flight: they fail with `WORKER_LOST` when the worker is gone, instead of hanging. */
  readonly #guard = new CallGuard();
  readonly #lostListeners = new Listeners<WorkerLostError>();
  readonly #sync = new RemoteSync(
    {
      watch: (onStatus) => this.#subscribe(SYNC, { kind: 'sync' }, onStatus as (value: Pushed) => void),
      now: () => this.#call((s) => s.syncNow()),
      pause: () => this.#call((s) => s.syncPause()),
      resume: () => this.#call((s) => s.syncResume()),
      assertOpen: () => void this.#session,
    },
    { state: 'idle', pending: 0, rejected: 0, cursor: 0, head: 0 },
  );
  /** Stops waiting for the current worker's life lock (on close, or when re-attaching). */
  #life: AbortController | undefined;
  #closed = false;
  #attached = false;

  constructor(
    link: Link,
    public mode: ClientMode,
    private readonly tabLock?: string,
  ) {
    this.#link = link;
    this.ready = this.#attach();
  }

  /** Switch to another session (a new leader) and subscribe everything again there. */
  async reattach(link: Link, mode: ClientMode): Promise<void> {
    this.#attached = false;
    this.#link = link;
    this.mode = mode;
    await this.#attach();
  }

  async #attach(): Promise<void> {
    const link = this.#link;
    const { session, wrapPush } = link;
    // A new worker (a follower's new leader): calls may go through again.
    this.#guard.reset();
    this.#life?.abort();
    const life = new AbortController();
    this.#life = life;
    const lost = () => {
      if (!life.signal.aborted && this.#link === link) this.#lose();
    };
    link.watchLost?.(lost);
    const hello = await this.#call(() => session.hello(this.tabLock));
    if (hello.lifeLock) whenFree(hello.lifeLock, lost, life.signal);
    this.storage = hello.storage;
    this.warnings = hello.warnings;
    this.clientId = hello.clientId;
    this.instanceId = hello.instanceId;
    this.#sync.receive(hello.sync);
    await this.#call(() => session.listen(wrapPush((message) => this.#onPush(message))));
    this.#attached = true;
    await Promise.all(
      this.#subs.all().map(({ subId, target }) => this.#call(() => session.subscribe(subId, target))),
    );
  }

  /** The session, or `ClosedError` once this client is closed (as the runtime does after `close`). */
  get #session(): TidelogSession {
    if (this.#closed) throw new ClosedError('the client is closed');
    const lost = this.#guard.lost;
    if (lost) throw lost;
    return this.#link.session;
  }

  /** A call to the runtime, failed with `WORKER_LOST` if the worker goes away before it answers. */
  #call<T>(run: (session: TidelogSession) => Promise<T>): Promise<T> {
    let session: TidelogSession;
    try {
      session = this.#session;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#guard.run(() => run(session));
  }

  /** The worker is gone: fail what waits, and tell the sync status and `onLost` listeners. */
  #lose(): void {
    if (this.#closed) return;
    const error = new WorkerLostError(
      'the worker running the Tidelog runtime is gone; connect again to start a new one',
    );
    if (!this.#guard.lose(error)) return;
    this.#sync.receive({ ...this.#sync.status, state: 'error', lastError: serializeError(error) });
    this.#lostListeners.emit(error);
  }

  /**
   * Be told when the worker behind this page is gone (page-only: in-process there is no
   * worker to lose). From then on every call fails with `WorkerLostError` (`WORKER_LOST`),
   * and `sync.status` turns to `error` with that error; connect again to go on.
   *
   * @example
   * client.onLost((error) => showBanner(error.code)); // 'WORKER_LOST'
   */
  onLost(listener: (error: WorkerLostError) => void): Unsubscribe {
    return this.#lostListeners.add(listener);
  }

  #onPush(message: Push): void {
    this.#subs.receive(message);
  }

  execute<A extends R, K extends CommandName<A>>(
    aggregate: A,
    streamId: string,
    command: K,
    ...args: CommandArgs<A, K>
  ): Promise<ExecuteResult<A>>;
  async execute(
    aggregate: R,
    streamId: string,
    command: string,
    payload?: unknown,
    options?: ExecuteOptions,
  ) {
    const result = (await this.#call((s) =>
      s.execute(aggregate.type, streamId, command, payload, options),
    )) as ExecuteResult<R>;
    // Show the new state at once, whichever of the result and the push arrives first.
    const { state, version, revision } = result;
    this.#subs.offer(streamKey(aggregate.type, streamId), { streamId, state, version, revision });
    return result;
  }

  async load<A extends R>(aggregate: A, streamId: string, options?: LoadOptions) {
    return (await this.#call((s) => s.load(aggregate.type, streamId, options))) as AggregateSnapshot<
      StateOf<A>
    >;
  }

  subscribe<A extends R>(
    aggregate: A,
    streamId: string,
    listener: (s: AggregateSnapshot<StateOf<A>>) => void,
  ): Unsubscribe {
    const target: Target = { kind: 'stream', aggregateType: aggregate.type, streamId };
    return this.#subscribe(streamKey(aggregate.type, streamId), target, listener as (value: Pushed) => void);
  }

  getSnapshot<A extends R>(aggregate: A, streamId: string): AggregateSnapshot<StateOf<A>> | undefined {
    return this.#subs.last(streamKey(aggregate.type, streamId)) as AggregateSnapshot<StateOf<A>> | undefined;
  }

  subscribeProjection<S>(
    projection: Projection<S> | string,
    listener: (s: ProjectionSnapshot<S>) => void,
  ): Unsubscribe {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#subscribe(
      projectionKey(name),
      { kind: 'projection', name },
      listener as (value: Pushed) => void,
    );
  }

  getProjection<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#subs.last(projectionKey(name)) as ProjectionSnapshot<S> | undefined;
  }

  /** Subscribe under the key `id`; throws at once once closed or lost, as the runtime does. */
  #subscribe(id: string, target: Target, listener: (value: Pushed) => void): Unsubscribe {
    void this.#session;
    return this.#subs.add(id, target, listener);
  }

  async rebuildProjection(projection: { readonly name: string } | string): Promise<void> {
    const name = typeof projection === 'string' ? projection : projection.name;
    await this.#call((s) => s.rebuildProjection(name));
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.#call((s) => s.deadLetters());
  }

  /**
   * Be told of each dead letter as the runtime stores it. One runtime subscription per
   * page, held while this page has a listener; calls made after this one (an `execute`)
   * reach the runtime after it, so their dead letters are not missed.
   */
  subscribeDeadLetters(listener: (letter: DeadLetter) => void): Unsubscribe {
    return this.#subscribe(DEAD_LETTERS, { kind: 'deadLetters' }, listener as (value: Pushed) => void);
  }

  /**
   * Run a dead letter again in the runtime. True when it went through, false when there
   * is no such letter; rejects with the error (class, `code` and fields kept) when it fails again.
   *
   * @example
   * for (const letter of await client.deadLetters()) await client.retryDeadLetter(letter.id).catch(console.warn);
   */
  async retryDeadLetter(id: string): Promise<boolean> {
    return this.#call((s) => s.retryDeadLetter(id));
  }

  /**
   * Delete dead letters (these ids, or all) once the app has dealt with them.
   *
   * @example
   * await client.clearDeadLetters([letter.id]);
   */
  async clearDeadLetters(ids?: readonly string[]): Promise<void> {
    await this.#call((s) => s.clearDeadLetters(ids));
  }

  /**
   * The runtime's sync loop (the one of the origin, in the worker). `status` and
   * `getSnapshot()` are synchronous: the status at connect, then what the runtime pushes
   * while this page has a `subscribe` listener, or what `now`/`pause`/`resume` answer.
   *
   * @example
   * const off = client.sync.subscribe((s) => render(s.state, s.pending));
   * await client.sync.now().catch((e) => console.warn(e.code));
   */
  get sync(): SyncApi {
    return this.#sync;
  }

  /**
   * Commands that failed when re-run on new confirmed state (or that the server refused),
   * oldest first, each with its error (name, `code`, fields) and its original command.
   *
   * @example
   * for (const r of await client.rejected()) console.warn(r.entry.command, r.error.code);
   */
  async rejected(): Promise<RejectedCommand[]> {
    return this.#call((s) => s.rejected());
  }

  /**
   * Be told of the whole rejected list whenever it changes, starting with the current one.
   * One runtime subscription per page, held while this page has a listener.
   *
   * @example
   * const off = client.subscribeRejected((list) => setBadge(list.length));
   */
  subscribeRejected(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    return this.#subscribe(REJECTED, { kind: 'rejected' }, listener as (value: Pushed) => void);
  }

  /**
   * Run a rejected command again on the current state; rejects with its error (class,
   * `code` and fields kept) when it fails again.
   *
   * @example
   * await client.retryRejected(rejected.entry.commandId).catch((e) => console.warn(e.code));
   */
  async retryRejected(commandId: string): Promise<void> {
    await this.#call((s) => s.retryRejected(commandId));
  }

  /**
   * Forget rejected commands: those with these command ids, or all of them.
   *
   * @example
   * await client.discardRejected([rejected.entry.commandId]);
   */
  async discardRejected(commandIds?: readonly string[]): Promise<void> {
    await this.#call((s) => s.discardRejected(commandIds));
  }

  /** Resolves when the runtime's background work has run; at once after `close()`. */
  async settled(): Promise<void> {
    if (this.#closed) return;
    await this.#call((s) => s.settled());
  }

  /** Live listeners in the runtime across all connections (a leak check for tests and devtools). */
  async liveListeners(): Promise<number> {
    return this.#call((s) => s.liveListeners());
  }

  /**
   * End this page's session: its subscriptions are released in the runtime. A worker's
   * runtime lives on for the other pages; the in-page fallback's runtime is closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    const lost = this.#guard.lost;
    const session = this.#link.session;
    this.#closed = true;
    this.#life?.abort();
    this.#subs.clear();
    this.#sync.clear();
    this.#lostListeners.clear();
    // A dead worker would never answer `disconnect`.
    if (!lost) await this.#guard.run(() => session.disconnect()).catch(() => undefined);
    await this.#link.close?.();
  }
}

// Keys of subscriptions as JSON arrays: names may hold any character, `:` included.
const streamKey = (aggregateType: string, streamId: string) =>
  JSON.stringify(['stream', aggregateType, streamId]);
const projectionKey = (name: string) => JSON.stringify(['projection', name]);

function reportError(error: unknown): void {
  // A lost worker is told once, through `onLost` and the sync status.
  if (error instanceof WorkerLostError) return;
  console.error('tidelog: subscription failed', error);
}
