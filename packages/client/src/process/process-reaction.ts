import {
  type DeadDispatch,
  type DeadLetter,
  type Envelope,
  type LocalEventStore,
  serializeError,
} from '@tidelog/core';
import { ProcessLoopError } from '../errors.js';
import { dispatchCommandId, handlerLetterId, PROCESS_FIELD, processEventId } from './process-ids.js';
import type { Dispatch, ProcessManager } from './process-manager.js';

/** Meta field that counts process-manager hops since the app's own command. */
export const DEPTH_FIELD = 'causationDepth';

export interface ProcessRunnerHost {
  clientId: string;
  store: LocalEventStore;
  now(): string;
  /** Run a process manager's command as `target.commandId`, with `target.metadata`. */
  run(target: DeadDispatch): Promise<unknown>;
  /** A dead letter was stored. */
  deadLetter(letter: DeadLetter): void;
}

/**
 * One process manager's reaction to one event: call its handler, run the commands it
 * returns one at a time, and store a dead letter for whatever fails. A reaction may run
 * twice (a catch-up after a crash); `replay` makes it skip the dispatches that already
 * ran or already failed, so nothing happens twice.
 *
 * Why derived ids rather than one transaction for a command and the checkpoint: the
 * checkpoint cannot ride in the command's transaction without every store append learning
 * to write another process's record (and a reaction with several dispatches spans several
 * transactions anyway). A command id derived from (manager, event id, dispatch index), with
 * event ids derived from it, is an idempotency key instead: on replay one indexed read
 * (`store.getEvent` of the first event id) tells whether the command ran, the live path
 * pays nothing, and two runtimes racing on one reaction collide on the same event ids in
 * the store rather than both taking effect.
 *
 * @example
 * const reactions = new Reactions(Shipping, host);
 * await reactions.react(event, { replay: true });
 */
export class Reactions {
  /** Ids of this manager's stored dead letters: a replayed reaction does not fail twice. */
  readonly dead = new Set<string>();

  constructor(
    readonly manager: ProcessManager,
    private readonly host: ProcessRunnerHost,
  ) {}

  /** True when the manager has a handler for this event and the event was made here. */
  reactsTo(event: Envelope): boolean {
    return event.meta.clientId === this.host.clientId && Object.hasOwn(this.manager.events, event.type);
  }

  /**
   * Run the reaction; resolves once every dispatch ran or has its dead letter stored, with
   * whether it did anything (dispatched or buried). A reaction that did nothing need not
   * move the checkpoint at once: running it again has no effect either.
   */
  async react(event: Envelope, { replay }: { replay: boolean }): Promise<boolean> {
    const letterId = handlerLetterId(this.manager.name, event.id);
    if (replay && this.dead.has(letterId)) return false;
    let dispatches: readonly Dispatch[];
    try {
      dispatches = this.#call(event);
    } catch (error) {
      await this.#bury(letterId, event, undefined, error);
      return true;
    }
    await this.#runAll(event, dispatches, replay);
    return dispatches.length > 0;
  }

  /**
   * Run a dead letter's reaction again: its command (same id, same metadata), or, when the
   * handler threw, the handler (the app may have fixed it since). Rejects with the error
   * if it fails again; the letter then stays, with that error.
   */
  async retry(letter: DeadLetter): Promise<void> {
    const { event, dispatch: target } = letter;
    if (!target) {
      let dispatches: readonly Dispatch[];
      try {
        dispatches = this.#call(event);
      } catch (error) {
        await this.#bury(letter.id, event, undefined, error);
        throw error;
      }
      await this.#runAll(event, dispatches, true);
    } else if (!(await this.#stored(target.commandId))) {
      const depth = Number(target.metadata[DEPTH_FIELD] ?? 0);
      try {
        // The loop guard holds for retries too: running it would only continue the loop.
        if (depth > this.manager.maxDepth) throw this.#loop(depth, target);
        await this.host.run(target);
      } catch (error) {
        await this.#bury(letter.id, event, target, error);
        throw error;
      }
    }
    await this.host.store.deleteDeadLetters([letter.id]);
    this.dead.delete(letter.id);
  }

  #call(event: Envelope): readonly Dispatch[] {
    const out = this.manager.events[event.type]!(event, { depth: Number(event.meta[DEPTH_FIELD] ?? 0) });
    return out === undefined ? [] : Array.isArray(out) ? out : [out as Dispatch];
  }

  async #runAll(event: Envelope, dispatches: readonly Dispatch[], replay: boolean): Promise<void> {
    const depth = Number(event.meta[DEPTH_FIELD] ?? 0);
    const correlationId = String(event.meta.correlationId ?? event.meta.commandId ?? event.id);
    for (const [index, d] of dispatches.entries()) {
      const target: DeadDispatch = {
        aggregateType: d.aggregate.type,
        streamId: d.streamId,
        command: d.command,
        ...(d.payload !== undefined && { payload: d.payload }),
        commandId: dispatchCommandId(this.manager.name, event.id, index),
        metadata: {
          correlationId,
          causationId: event.id,
          [DEPTH_FIELD]: depth + 1,
          [PROCESS_FIELD]: this.manager.name,
        },
      };
      if (replay && (await this.#ran(target.commandId))) continue;
      try {
        if (depth + 1 > this.manager.maxDepth) throw this.#loop(depth + 1, target);
        await this.host.run(target);
      } catch (error) {
        await this.#bury(target.commandId, event, target, error);
      }
    }
  }

  #loop(depth: number, target: DeadDispatch): ProcessLoopError {
    return new ProcessLoopError(this.manager.name, depth, String(target.metadata.correlationId));
  }

  /** The command already failed, or already ran. */
  async #ran(commandId: string): Promise<boolean> {
    return this.dead.has(commandId) || this.#stored(commandId);
  }

  /** The command's first event (whose id is derived from the command's) is stored. */
  async #stored(commandId: string): Promise<boolean> {
    return (await this.host.store.getEvent(processEventId(commandId, 0))) !== undefined;
  }

  async #bury(id: string, event: Envelope, target: DeadDispatch | undefined, error: unknown): Promise<void> {
    const letter: DeadLetter = {
      id,
      processManager: this.manager.name,
      event,
      ...(target && { dispatch: target }),
      error: serializeError(error),
      at: this.host.now(),
    };
    await this.host.store.putDeadLetter(letter);
    this.dead.add(id);
    this.host.deadLetter(letter);
  }
}
