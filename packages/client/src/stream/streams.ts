import { type AnyAggregate, type Envelope, loadAggregate } from '@tidelog/core';
import type { AggregateSnapshot, ExecuteOptions, ExecuteResult, LoadOptions, Unsubscribe } from '../types.js';
import { type CommandHost, type Replay, runCommand } from './command-runner.js';
import { byStream } from './rebaser.js';
import type { RejectedCommandsHost } from './rejected-commands.js';

/** What the streams need: what a command needs, running in a stream, and the streams a rebase holds. */
export interface StreamsHost extends CommandHost, Pick<RejectedCommandsHost, 'inStream'> {
  /** Streams inside a rebase now (held by the `Rebaser`): the rebase refreshes them itself. */
  rebasing: ReadonlySet<string>;
}

/**
 * The streams as the app reaches them: every command, load and refresh of a stream runs
 * inside the stream's mailbox, and the store's notifications (events committed by this
 * runtime or another writer, pending events dropped) keep the cached states in step.
 * Everything it starts is counted by the runtime's `WorkTracker`.
 *
 * @example
 * const streams = new Streams({ store, states, clientId, pending, now, inStream, rebasing });
 * store.subscribe((events) => streams.onStored(events));
 * await streams.execute(Counter, 'c-1', 'increment', { by: 1 }, {});
 */
export class Streams {
  constructor(private readonly host: StreamsHost) {}

  /** Decide a command and store its events, inside the stream's mailbox. */
  execute(
    agg: AnyAggregate,
    streamId: string,
    command: string,
    payload: unknown,
    options: ExecuteOptions,
    replay?: Replay,
  ): Promise<ExecuteResult<AnyAggregate>> {
    return this.host.inStream(streamId, () =>
      runCommand(this.host, agg, streamId, command, payload, options, replay),
    );
  }

  /** The current state (cached, or loaded inside the mailbox), or the state at a version or time. */
  async load(
    agg: AnyAggregate,
    streamId: string,
    options: LoadOptions = {},
  ): Promise<AggregateSnapshot<unknown>> {
    const { store, states, inStream } = this.host;
    if (options.asOfVersion !== undefined || options.asOfTime !== undefined) {
      const loaded = await loadAggregate(store, agg, streamId, options);
      return { streamId, state: loaded.state, version: loaded.version, revision: 0 };
    }
    const entry = await inStream(streamId, () => states.ensure(agg, streamId));
    return entry.snapshot;
  }

  /** Be told of every new state of the stream, starting with the current one (once loaded). */
  subscribe(
    agg: AnyAggregate,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<unknown>) => void,
  ): Unsubscribe {
    return this.host.states.subscribe(agg, streamId, listener, () => this.load(agg, streamId));
  }

  /** Fold a committed batch into the cached states it follows on; read the others again. */
  onStored(events: readonly Envelope[]): void {
    const { states, rebasing } = this.host;
    for (const [streamId, list] of byStream(events)) {
      // A rebase refreshes its streams itself, once its result is stored.
      if (rebasing.has(streamId)) continue;
      for (const { type } of states.aggregatesOf(streamId)) {
        const entry = states.peek(streamId, type);
        if (entry && states.advance(entry, list)) this.#readAgain(streamId);
      }
    }
  }

  /**
   * Pending events were dropped: read again the streams a rebase is not refreshing itself
   * (someone else dropped them, `takePending`). True when there were any.
   */
  onDropped(streamIds: readonly string[]): boolean {
    const outside = streamIds.filter((s) => !this.host.rebasing.has(s));
    for (const streamId of outside) this.#readAgain(streamId);
    return outside.length > 0;
  }

  #readAgain(streamId: string): void {
    const { states, inStream } = this.host;
    void inStream(streamId, () => states.refresh(streamId));
  }
}
