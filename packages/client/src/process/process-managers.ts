import type { Envelope } from '@tidelog/core';
import { UnknownProcessManagerError } from '../errors.js';
import type { WorkTracker } from '../work-tracker.js';
import type { ProcessManager } from './process-manager.js';
import type { ProcessRunnerHost } from './process-reaction.js';
import type { ProcessRunner, ProcessRunnerOptions } from './process-runner.js';

/** What the process managers need: their runners' host and options, and the runtime's work. */
export interface ProcessManagersHost extends ProcessRunnerHost, ProcessRunnerOptions {
  work: WorkTracker;
}

/**
 * The process managers of one runtime: a `ProcessRunner` each, and retrying or clearing
 * the dead letters they store (the runtime reads them and tells the app's dead-letter
 * listeners itself, through `host.deadLetter`). Background work (batches, resumed
 * reactions, retries) is counted by the runtime's `WorkTracker`, so `settled()` waits
 * for it.
 *
 * @example
 * const managers = new ProcessManagers([Shipping], { clientId, store, now, run, deadLetter, work, checkpointEvery: 100 });
 * await managers.open();
 * managers.resume();
 */
export class ProcessManagers {
  readonly #runners: ProcessRunner[];

  constructor(
    managers: readonly ProcessManager[],
    private readonly host: ProcessManagersHost,
  ) {
    // The host carries the runners' options (`checkpointEvery`) too.
    this.#runners = managers.map((pm) => pm.runner(host, host));
  }

  /**
   * Load every checkpoint. Each runner's `open` is queued at once (no await before it), so
   * a batch committed meanwhile waits behind it.
   */
  async open(): Promise<void> {
    await Promise.all(this.#runners.map((pm) => pm.open()));
  }

  /** Reactions the last session did not get to run now, in the background. */
  resume(): void {
    for (const pm of this.#runners) void this.host.work.track(pm.resume());
  }

  /** Hand a committed batch to every runner, in the background. */
  onBatch(events: readonly Envelope[]): void {
    for (const pm of this.#runners) void this.host.work.track(pm.onBatch(events));
  }

  /** Go past confirmations (not announced as batches). */
  async catchUp(): Promise<void> {
    await Promise.all(this.#runners.map((pm) => pm.catchUp()));
  }

  /** Save every checkpoint that moved. */
  async flush(): Promise<void> {
    await Promise.all(this.#runners.map((p) => p.flush()));
  }

  /** Run a dead letter again: false when there is no such letter; rejects when it fails again. */
  async retry(id: string): Promise<boolean> {
    const letter = (await this.host.store.readDeadLetters()).find((l) => l.id === id);
    if (!letter) return false;
    const runner = this.#runners.find((p) => p.manager.name === letter.processManager);
    if (!runner) throw new UnknownProcessManagerError(letter.processManager);
    await this.host.work.track(runner.retry(letter));
    return true;
  }

  /** Delete dead letters (all, or those with these ids). */
  async clear(ids?: readonly string[]): Promise<void> {
    await this.host.store.deleteDeadLetters(ids);
    for (const p of this.#runners) p.forget(ids);
  }
}
