import {
  type AnyAggregate,
  type AppendEvent,
  type CommandContext,
  ConcurrencyError,
  type Envelope,
  hasErrorCode,
  type LocalEventStore,
  type OutboxEntry,
  uuidv7,
} from '@tidelog/core';
import type { AggregateSnapshot, ExecuteOptions, ExecuteResult } from '../types.js';
import { decideEvents } from './command-events.js';
import type { StreamStates } from './stream-states.js';

/** A command run again as the same command (a process manager's dispatch, a dead letter). */
export interface Replay {
  commandId: string;
  now: string;
}

export interface CommandRunnerHost {
  store: LocalEventStore;
  states: StreamStates;
  clientId: string;
  /** Append as pending events with an outbox entry (sync) instead of as confirmed events. */
  pending: boolean;
  now(): string;
}

/**
 * Decides a command on a stream's current state and stores its events: confirmed (the
 * local store is the authority) or pending with its outbox entry (sync). Callers run it
 * inside the stream's mailbox.
 *
 * @example
 * const runner = new CommandRunner({ store, states, clientId, pending: true, now });
 * await mailbox.run('c-1', () => runner.execute(Counter, 'c-1', 'increment', { by: 1 }, {}));
 */
export class CommandRunner {
  constructor(private readonly host: CommandRunnerHost) {}

  async execute(
    agg: AnyAggregate,
    streamId: string,
    command: string,
    payload: unknown,
    options: ExecuteOptions,
    replay?: Replay,
  ): Promise<ExecuteResult<AnyAggregate>> {
    const { states } = this.host;
    for (let attempt = 1; ; attempt++) {
      const entry = await states.ensure(agg, streamId);
      const { state, version } = entry.snapshot;
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        throw new ConcurrencyError(streamId, options.expectedVersion, version);
      }
      const ctx: CommandContext = {
        streamId,
        version,
        now: replay?.now ?? this.host.now(),
        commandId: replay?.commandId ?? uuidv7(),
        clientId: this.host.clientId,
        metadata: options.metadata ?? {},
      };
      const events = await decideEvents(agg, state, command, payload, ctx, this.host.pending);
      if (events.length === 0) return result([], entry.snapshot);
      let envelopes: Envelope[];
      try {
        envelopes = await this.#append(agg, command, payload, events, ctx);
      } catch (error) {
        // Another writer (another runtime on the same database) got there first: decide
        // again on the fresh state, unless the caller pinned the version.
        if (hasErrorCode(error, 'VERSION_CONFLICT') && options.expectedVersion === undefined && attempt < 3) {
          states.delete(streamId, agg.type);
          continue;
        }
        throw error;
      }
      states.advance(entry, envelopes);
      if (!this.host.pending) await states.maybeSnapshot(entry, this.host.now());
      return result(envelopes, entry.snapshot);
    }
  }

  async #append(
    agg: AnyAggregate,
    command: string,
    payload: unknown,
    events: AppendEvent[],
    ctx: CommandContext,
  ): Promise<Envelope[]> {
    const { store } = this.host;
    if (!this.host.pending) {
      return (await store.appendToStream(ctx.streamId, events, { expectedVersion: ctx.version })).events;
    }
    const entry: OutboxEntry = {
      commandId: ctx.commandId,
      aggregateType: agg.type,
      streamId: ctx.streamId,
      command,
      payload: (payload ?? null) as OutboxEntry['payload'],
      baseVersion: ctx.version,
      eventIds: events.map((e) => e.id!),
      timestamp: ctx.now,
      metadata: ctx.metadata,
    };
    return (await store.appendPending(ctx.streamId, events, { expectedVersion: ctx.version, command: entry }))
      .events;
  }
}

/** What `execute` resolves with: the events stored and the state after them. */
function result(events: Envelope[], snapshot: AggregateSnapshot<unknown>): ExecuteResult<AnyAggregate> {
  const { state, version, revision } = snapshot;
  return { events, state, version, revision } as ExecuteResult<AnyAggregate>;
}
