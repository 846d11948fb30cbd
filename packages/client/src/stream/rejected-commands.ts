import {
  type AnyAggregate,
  type LocalEventStore,
  type OutboxEntry,
  type RejectedCommand,
  serializeError,
} from '@tidelog/core';
import { UnknownAggregateError, UnknownRejectedError } from '../errors.js';
import { Listeners } from '../listeners.js';
import type { Unsubscribe } from '../types.js';
import { type DecidedCommand, decideCommand } from './command-events.js';
import type { StreamStates } from './stream-states.js';

export interface RejectedCommandsHost {
  store: LocalEventStore;
  aggregates: ReadonlyMap<string, AnyAggregate>;
  states: StreamStates;
  clientId: string;
  now(): string;
  /**
   * Run a task inside the stream's mailbox (keyed by id alone: the store holds one stream
   * per id, whatever its type), counted by the runtime's `WorkTracker`.
   */
  inStream<T>(streamId: string, task: () => Promise<T>): Promise<T>;
}

/**
 * The `rejected` list as the app is told of it and runs its commands again: be told of
 * it whenever it changes, run a command of it again (inside its stream's mailbox). The
 * list itself lives in the store (read and cleared there); the rebase and the server's
 * refusals add to it.
 *
 * @example
 * const rejected = new RejectedCommands({ store, aggregates, states, clientId, now, inStream });
 * const off = rejected.subscribe((list) => render(list));
 * await rejected.retry(commandId).catch((e) => console.warn(e.code));
 */
export class RejectedCommands {
  /** The subscribers (the runtime clears them when it closes). */
  readonly listeners = new Listeners<readonly RejectedCommand[]>();

  constructor(private readonly host: RejectedCommandsHost) {}

  /** Be told of the whole list whenever it changes, starting with the current one. */
  subscribe(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    let active = true;
    // A list read for a change is newer than the first read: that one then stays unsent.
    let changed = false;
    const off = this.listeners.add((list) => {
      changed = true;
      if (active) listener(list);
    });
    this.host.store.readRejected().then(
      (list) => {
        if (active && !changed) listener(list);
      },
      (error: unknown) => console.error('tidelog: could not read rejected commands', error),
    );
    return () => {
      active = false;
      off();
    };
  }

  /** The store says the list changed: read it for the subscribers, if any. */
  changed(): void {
    if (this.listeners.size === 0) return;
    void this.host.store.readRejected().then(
      (list) => this.listeners.emit(list),
      () => undefined,
    );
  }

  /**
   * Run a rejected command again, as the same command, on the stream's current state: it
   * leaves the list in the same transaction as its events are stored, or stays with the
   * new error (and the promise rejects with it). The stream's state is read again either way.
   */
  async retry(commandId: string): Promise<void> {
    const { store, states, aggregates, inStream } = this.host;
    const find = async () => {
      const found = (await store.readRejected()).find((r) => r.entry.commandId === commandId);
      if (!found) throw new UnknownRejectedError(commandId);
      return found.entry;
    };
    const { streamId, aggregateType } = await find();
    const agg = aggregates.get(aggregateType);
    if (!agg) throw new UnknownAggregateError(aggregateType);
    await inStream(streamId, async () => {
      // Looked up again inside the mailbox: two retries of one command never both run it.
      const entry = await find();
      try {
        await this.#runAgain(agg, entry);
      } finally {
        await states.refresh(streamId);
      }
    });
  }

  /**
   * A rejected command again, as the same command, on the current state: its events are
   * stored and it leaves `rejected` in one transaction, or it stays with the new error
   * (and that error is thrown).
   */
  async #runAgain(agg: AnyAggregate, entry: OutboxEntry): Promise<void> {
    const { store, states, clientId } = this.host;
    const { version, state } = (await states.ensure(agg, entry.streamId)).snapshot;
    let decided: DecidedCommand;
    try {
      decided = await decideCommand(agg, state, entry, clientId, version, true);
    } catch (error) {
      const again = { entry, error: serializeError(error), rejectedAt: this.host.now() };
      await store.rebase([{ streamId: entry.streamId, replaces: [], append: [], rejected: [again] }]);
      throw error;
    }
    await store.rebase([
      {
        streamId: entry.streamId,
        replaces: [],
        append: decided.events.length > 0 ? [decided] : [],
        rejected: [],
        unreject: [entry.commandId],
      },
    ]);
  }
}
