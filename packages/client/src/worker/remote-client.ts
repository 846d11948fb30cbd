import {
  type AnyAggregate,
  ClosedError,
  type CommandName,
  type Projection,
  type RejectedCommand,
  type StateOf,
} from '@tidelog/core';
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
import type { Push, Target, TidelogSession } from './session.js';

type AnySnapshot = AggregateSnapshot<unknown> | ProjectionSnapshot<unknown>;
/** What a subscription's listeners are given. */
type Pushed = AnySnapshot | DeadLetter;

interface KeyState {
  subId: number;
  target: Target;
  listeners: Listeners<Pushed>;
  /** The last state pushed (streams and projections; dead letters are events, not state). */
  snapshot?: AnySnapshot;
}

const DEAD_LETTERS = 'deadLetters';

/** How a client reaches a session: the session and how to hand it a callback. */
export interface Link {
  session: TidelogSession;
  /** Wrap the push callback for the transport (`comlink.proxy` for a worker). */
  wrapPush: (push: (message: Push) => void) => (message: Push) => void;
  /** Close the transport after `disconnect` (and, in-page, the runtime the page owns). */
  close?: () => void | Promise<void>;
}

/** Newer states have higher revisions, even when a rebase took the version down. */
const revisionOf = (s: AnySnapshot | undefined) => (s && 'version' in s ? s.revision : -1);

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
  readonly #keys = new Map<string, KeyState>();
  readonly #bySub = new Map<number, KeyState>();
  #link: Link;
  #nextSub = 1;
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
    const { session, wrapPush } = this.#link;
    const hello = await session.hello(this.tabLock);
    this.storage = hello.storage;
    this.warnings = hello.warnings;
    this.clientId = hello.clientId;
    this.instanceId = hello.instanceId;
    await session.listen(wrapPush((message) => this.#onPush(message)));
    this.#attached = true;
    await Promise.all([...this.#keys.values()].map((k) => session.subscribe(k.subId, k.target)));
  }

  /** The session, or `ClosedError` once this client is closed (as the runtime does after `close`). */
  get #session(): TidelogSession {
    if (this.#closed) throw new ClosedError('the client is closed');
    return this.#link.session;
  }

  #onPush(message: Push): void {
    const key = this.#bySub.get(message.subId);
    if ('deadLetter' in message) {
      key?.listeners.emit(message.deadLetter);
      return;
    }
    // A push for a subscription the page has dropped meanwhile, or an older state than
    // the one an `execute` result already showed.
    if (!key || revisionOf(message.snapshot) < revisionOf(key.snapshot)) return;
    key.snapshot = message.snapshot;
    key.listeners.emit(message.snapshot);
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
    const result = (await this.#session.execute(
      aggregate.type,
      streamId,
      command,
      payload,
      options,
    )) as ExecuteResult<R>;
    // Show the new state at once, whichever of the result and the push arrives first.
    const key = this.#keys.get(streamKey(aggregate.type, streamId));
    if (key && result.revision > revisionOf(key.snapshot)) {
      key.snapshot = { streamId, state: result.state, version: result.version, revision: result.revision };
      key.listeners.emit(key.snapshot);
    }
    return result;
  }

  async load<A extends R>(aggregate: A, streamId: string, options?: LoadOptions) {
    return (await this.#session.load(aggregate.type, streamId, options)) as AggregateSnapshot<StateOf<A>>;
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
    return this.#keys.get(streamKey(aggregate.type, streamId))?.snapshot as
      | AggregateSnapshot<StateOf<A>>
      | undefined;
  }

  subscribeProjection<S>(
    projection: Projection<S> | string,
    listener: (s: ProjectionSnapshot<S>) => void,
  ): Unsubscribe {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#subscribe(
      `projection:${name}`,
      { kind: 'projection', name },
      listener as (value: Pushed) => void,
    );
  }

  getProjection<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#keys.get(`projection:${name}`)?.snapshot as ProjectionSnapshot<S> | undefined;
  }

  #subscribe(id: string, target: Target, listener: (value: Pushed) => void): Unsubscribe {
    const session = this.#session;
    let key = this.#keys.get(id);
    if (!key) {
      const created: KeyState = { subId: this.#nextSub++, target, listeners: new Listeners() };
      key = created;
      this.#keys.set(id, created);
      this.#bySub.set(created.subId, created);
      // Once attached, send at once so later calls on the same port are ordered after it;
      // before that, `#attach` subscribes every key it finds.
      if (this.#attached) void session.subscribe(created.subId, target).catch(reportError);
    } else if (key.snapshot) {
      const current = key.snapshot;
      queueMicrotask(() => listener(current));
    }
    const state = key;
    const off = state.listeners.add(listener);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      off();
      if (state.listeners.size > 0 || this.#keys.get(id) !== state) return;
      this.#keys.delete(id);
      this.#bySub.delete(state.subId);
      if (!this.#closed) void this.#link.session.unsubscribe(state.subId).catch(reportError);
    };
  }

  async rebuildProjection(projection: { readonly name: string } | string): Promise<void> {
    await this.#session.rebuildProjection(typeof projection === 'string' ? projection : projection.name);
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return this.#session.deadLetters();
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
    return this.#session.retryDeadLetter(id);
  }

  /**
   * Delete dead letters (these ids, or all) once the app has dealt with them.
   *
   * @example
   * await client.clearDeadLetters([letter.id]);
   */
  async clearDeadLetters(ids?: readonly string[]): Promise<void> {
    await this.#session.clearDeadLetters(ids);
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

  /** Resolves when the runtime's background work has run; at once after `close()`. */
  async settled(): Promise<void> {
    if (this.#closed) return;
    await this.#link.session.settled();
  }

  /** Live listeners in the runtime across all connections (a leak check for tests and devtools). */
  async liveListeners(): Promise<number> {
    return this.#session.liveListeners();
  }

  /**
   * End this page's session: its subscriptions are released in the runtime. A worker's
   * runtime lives on for the other pages; the in-page fallback's runtime is closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#keys.clear();
    this.#bySub.clear();
    await this.#link.session.disconnect().catch(() => undefined);
    await this.#link.close?.();
  }
}

function streamKey(aggregateType: string, streamId: string): string {
  return `stream:${aggregateType}:${streamId}`;
}

function reportError(error: unknown): void {
  console.error('tidelog: subscription failed', error);
}
