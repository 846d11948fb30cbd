import { contiguous, type DeadLetter, type Envelope } from '@tidelog/core';
import type { ProcessManager } from './process-manager.js';
import { type ProcessRunnerHost, Reactions } from './process-reaction.js';

/** Events read per page when catching up. */
const PAGE = 500;

export interface ProcessRunnerOptions {
  /** Save the checkpoint after going this many positions past it without reacting. */
  checkpointEvery: number;
}

/**
 * Drives one process manager over the events this device made, at most once each and in
 * order, across restarts. Its checkpoint (`store.putProcessCheckpoint`) is the position
 * of the ordered log it has gone through plus the ids of pending events (not ordered yet)
 * it has handled; it is saved after every reaction that dispatched or stored a dead letter
 * (and otherwise every `checkpointEvery` positions), so a restart re-runs at most the one
 * reaction with effects that was cut short, and that re-run skips the commands that ran
 * (see `Reactions`). On start it reads the events it missed (`readAll` from its position,
 * then `readPending`); a batch that does not follow its position makes it read the gap.
 *
 * @example
 * const runner = new ProcessRunner(Shipping, host, { checkpointEvery: 100 });
 * store.subscribe((events) => runner.onBatch(events));
 * await runner.open();
 * void runner.resume();
 */
export class ProcessRunner {
  readonly #reactions: Reactions;
  #chain: Promise<void> = Promise.resolve();
  #position = 0;
  /** Pending events reacted to; an id leaves once the runner goes past its position. */
  #handled = new Set<string>();
  #savedPosition = 0;
  #dirty = false;

  constructor(
    readonly manager: ProcessManager,
    private readonly host: ProcessRunnerHost,
    private readonly options: ProcessRunnerOptions,
  ) {
    this.#reactions = new Reactions(manager, host);
  }

  /**
   * Load the checkpoint (or start at the head, the first time) and the dead letters. The
   * runtime awaits this before it takes commands, so the head it starts at is before them.
   */
  open(): Promise<void> {
    return this.#enqueue(async () => {
      const { store } = this.host;
      const saved = await store.getProcessCheckpoint(this.manager.name);
      if (!saved) {
        // Seen for the first time (new in this version of the app, or a database from
        // before checkpoints): start at the head. The history is not replayed: an earlier
        // version may have reacted to it already, and reactions have effects. Saved at
        // once, so a crash before the first reaction still catches that reaction up.
        this.#position = await store.head();
        const pending = await store.readPending();
        this.#handled = new Set(pending.filter((e) => this.#reactions.reactsTo(e)).map((e) => e.id));
        await this.#save();
      } else {
        this.#position = this.#savedPosition = saved.position;
        this.#handled = new Set(saved.handled);
      }
      for (const l of await store.readDeadLetters()) {
        if (l.processManager === this.manager.name) this.#reactions.dead.add(l.id);
      }
    });
  }

  /** React to what was missed (ordered events, then pending ones), in order. */
  resume(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#scan();
      const pending = await this.host.store.readPending();
      // A displaced command has no pending events, but a rebase writes them again with the
      // same ids: its handled ids stay.
      const outbox = await this.host.store.readOutbox();
      const stillPending = new Set([...pending.map((e) => e.id), ...outbox.flatMap((o) => o.eventIds)]);
      // Gone without a position: dropped by a rebase, never to come back.
      for (const id of this.#handled) {
        if (!stillPending.has(id) && this.#handled.delete(id)) this.#dirty = true;
      }
      for (const e of pending) await this.#pending(e, true);
      await this.#saveIfDue();
    });
  }

  /** React to a committed batch. */
  onBatch(events: readonly Envelope[]): Promise<void> {
    return this.#enqueue(async () => {
      for (const e of events) {
        if (e.position === undefined) await this.#pending(e, false);
        else if (e.position === this.#position + 1) await this.#positioned(e, false);
        // A gap (another writer, confirmations that are not announced): read it from the store.
        else if (e.position > this.#position) await this.#scan();
      }
      await this.#saveIfDue();
    });
  }

  /**
   * Read the ordered events not gone through yet (after confirmations). Saved as any move
   * is (`checkpointEvery`): a stale checkpoint only lists handled ids that a scan after a
   * restart drops again without reacting.
   */
  catchUp(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#scan();
      await this.#saveIfDue();
    });
  }

  /** Save the checkpoint now if it moved. */
  flush(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#dirty) await this.#save();
    });
  }

  /** Run a dead letter again (see `Reactions.retry`), after the work queued before it. */
  retry(letter: DeadLetter): Promise<void> {
    const run = this.#chain.then(() => this.#reactions.retry(letter));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Dead letters were deleted: a replay may fail them again. */
  forget(ids?: readonly string[]): void {
    if (!ids) this.#reactions.dead.clear();
    else for (const id of ids) this.#reactions.dead.delete(id);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task).catch((error: unknown) => {
      // What is not saved is read again on the next start: nothing is lost, so carry on.
      console.error(`tidelog: process manager "${this.manager.name}" failed`, error);
    });
    this.#chain = run;
    return run;
  }

  /** Go through stored positions that follow on; past a gap, events wait for it to fill. */
  async #scan(): Promise<void> {
    for (;;) {
      const read = await this.host.store.readAll({ after: this.#position, limit: PAGE });
      const page = contiguous(read, this.#position);
      for (const e of page) await this.#positioned(e, true);
      if (page.length < read.length || read.length < PAGE) return;
    }
  }

  async #positioned(e: Envelope, replay: boolean): Promise<void> {
    // Reacted to while pending: its position only moves the checkpoint on.
    const seen = this.#handled.delete(e.id);
    const acted = !seen && this.#reactions.reactsTo(e) && (await this.#reactions.react(e, { replay }));
    this.#position = e.position!;
    // Saved at once only after a reaction with effects; one that dispatched nothing is
    // harmless to re-run, so it waits for `checkpointEvery` like an event it ignores.
    if (acted) await this.#save();
    else this.#dirty = true;
  }

  async #pending(e: Envelope, replay: boolean): Promise<void> {
    if (this.#handled.has(e.id) || !this.#reactions.reactsTo(e)) return;
    const acted = await this.#reactions.react(e, { replay });
    this.#handled.add(e.id);
    if (acted) await this.#save();
    else this.#dirty = true;
  }

  async #saveIfDue(): Promise<void> {
    if (this.#dirty && this.#position - this.#savedPosition >= this.options.checkpointEvery)
      await this.#save();
  }

  async #save(): Promise<void> {
    await this.host.store.putProcessCheckpoint({
      name: this.manager.name,
      position: this.#position,
      handled: [...this.#handled],
    });
    this.#savedPosition = this.#position;
    this.#dirty = false;
  }
}
