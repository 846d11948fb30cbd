import {
  type AnyAggregate,
  ConcurrencyError,
  type Envelope,
  hasErrorCode,
  type LocalEventStore,
  type OutboxEntry,
  uuidv7,
} from '@tidelog/core';
import type { AggregateSnapshot, ExecuteOptions, ExecuteResult } from '../types.js';
import { type DecidedCommand, decideCommand } from './command-events.js';
import type { StreamStates } from './stream-states.js';

/** A command run again as the same command (a process manager's dispatch, a dead letter). */
export interface Replay {
  commandId: string;
  now: string;
}

export interface CommandHost {
  store: LocalEventStore;
  states: StreamStates;
  clientId: string;
  /** Append as pending events with an outbox entry (sync) instead of as confirmed events. */
  pending: boolean;
  now(): string;
}

/**
 * Decide a command on a stream's current state and store its events: confirmed (the
 * local store is the authority) or pending with its outbox entry (sync). Callers run it
 * inside the stream's mailbox.
 *
 * @example
 * const host = { store, states, clientId, pending: true, now };
 * await mailbox.run('c-1', () => runCommand(host, Counter, 'c-1', 'increment', { by: 1 }, {}));
 */
export async function runCommand(
  host: CommandHost,
  agg: AnyAggregate,
  streamId: string,
  command: string,
  payload: unknown,
  options: ExecuteOptions,
  replay?: Replay,
): Promise<ExecuteResult<AnyAggregate>> {
  const { states } = host;
  for (let attempt = 1; ; attempt++) {
    const entry = await states.ensure(agg, streamId);
    const { state, version } = entry.snapshot;
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new ConcurrencyError(streamId, options.expectedVersion, version);
    }
    // The command as an outbox entry holds it, its payload as the app gave it (so `decide` sees
    // it so); its events are not decided yet.
    const outboxEntry: OutboxEntry = {
      commandId: replay?.commandId ?? uuidv7(),
      aggregateType: agg.type,
      streamId,
      command,
      payload: payload as OutboxEntry['payload'],
      baseVersion: version,
      eventIds: [],
      timestamp: replay?.now ?? host.now(),
      metadata: options.metadata ?? {},
    };
    const decided = await decideCommand(agg, state, outboxEntry, host.clientId, version, host.pending);
    if (decided.events.length === 0) return result([], entry.snapshot);
    let envelopes: Envelope[];
    try {
      envelopes = await append(host, decided);
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
    if (!host.pending) await states.maybeSnapshot(entry, host.now());
    return result(envelopes, entry.snapshot);
  }
}

/** Store a decided command's events at its `baseVersion`: confirmed, or pending with its outbox entry. */
async function append(host: CommandHost, { command, events }: DecidedCommand): Promise<Envelope[]> {
  const { store } = host;
  const { streamId, baseVersion: expectedVersion } = command;
  if (!host.pending) return (await store.appendToStream(streamId, events, { expectedVersion })).events;
  return (await store.appendPending(streamId, events, { expectedVersion, command })).events;
}

/** What `runCommand` resolves with: the events stored and the state after them. */
function result(events: Envelope[], snapshot: AggregateSnapshot<unknown>): ExecuteResult<AnyAggregate> {
  const { state, version, revision } = snapshot;
  return { events, state, version, revision } as ExecuteResult<AnyAggregate>;
}
