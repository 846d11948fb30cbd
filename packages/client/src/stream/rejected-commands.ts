import type { AnyAggregate, LocalEventStore, RejectedCommand } from '@tidelog/core';
import { UnknownAggregateError, UnknownRejectedError } from '../errors.js';
import { Listeners } from '../listeners.js';
import type { Unsubscribe } from '../types.js';
import type { CommandRunner } from './command-runner.js';
import type { StreamStates } from './stream-states.js';

export interface RejectedCommandsHost {
  store: LocalEventStore;
  aggregates: ReadonlyMap<string, AnyAggregate>;
  states: StreamStates;
  commands: CommandRunner;
  /**
   * Run a task inside the stream's mailbox (keyed by id alone: the store holds one stream
   * per id, whatever its type), counted by the runtime's `WorkTracker`.
   */
  inStream<T>(streamId: string, task: () => Promise<T>): Promise<T>;
}

/**
 * The `rejected` list as the app reaches it: read it, be told of it whenever it changes,
 * run a command of it again (inside its stream's mailbox), forget commands of it. The list
 * itself lives in the store; the rebase and the server's refusals add to it.
 *
 * @example
 * const rejected = new RejectedCommands({ store, aggregates, states, commands, inStream });
 * const off = rejected.subscribe((list) => render(list));
 * await rejected.retry(commandId).catch((e) => console.warn(e.code));
 */
export class RejectedCommands {
  readonly #listeners = new Listeners<readonly RejectedCommand[]>();

  constructor(private readonly host: RejectedCommandsHost) {}

  /** Oldest first, each with its error and its original command and payload. */
  list(): Promise<RejectedCommand[]> {
    return this.host.store.readRejected();
  }

  /** Be told of the whole list whenever it changes, starting with the current one. */
  subscribe(listener: (rejected: readonly RejectedCommand[]) => void): Unsubscribe {
    let active = true;
    // A list read for a change is newer than the first read: that one then stays unsent.
    let changed = false;
    const off = this.#listeners.add((list) => {
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
    if (this.#listeners.size === 0) return;
    void this.host.store.readRejected().then(
      (list) => this.#listeners.emit(list),
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
    const find = async () => (await store.readRejected()).find((r) => r.entry.commandId === commandId);
    const found = await find();
    if (!found) throw new UnknownRejectedError(commandId);
    const { streamId, aggregateType } = found.entry;
    const agg = aggregates.get(aggregateType);
    if (!agg) throw new UnknownAggregateError(aggregateType);
    await inStream(streamId, async () => {
      // Looked up again inside the mailbox: two retries of one command never both run it.
      const record = await find();
      if (!record) throw new UnknownRejectedError(commandId);
      try {
        await this.host.commands.retryRejected(agg, record.entry);
      } finally {
        await states.refresh(streamId);
      }
    });
  }

  /** Forget rejected commands (those with these command ids, or all). */
  discard(commandIds?: readonly string[]): Promise<void> {
    return this.host.store.clearRejected(commandIds);
  }

  /** Drop every subscriber (the runtime is closing). */
  clearListeners(): void {
    this.#listeners.clear();
  }
}
