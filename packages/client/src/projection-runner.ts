import {
  type Envelope,
  foldProjection,
  type LocalEventStore,
  type Projection,
  type ProjectionState,
  runProjection,
} from '@tidelog/core';
import { Listeners } from './listeners.js';
import type { ProjectionSnapshot } from './types.js';

export interface ProjectionRunnerOptions {
  /** Fold pending events as an overlay (sync mode); without sync there are none. */
  pending: boolean;
  /** Persist the confirmed state every this many positions (and on close). */
  checkpointEvery: number;
}

/**
 * Keeps one projection up to date: confirmed state at a checkpoint (caught up from the
 * store on start, saved every `checkpointEvery` positions) plus the pending overlay.
 * Updates run one at a time, in the order batches arrive.
 *
 * @example
 * const runner = new ProjectionRunner(store, Totals, { pending: false, checkpointEvery: 100 });
 * await runner.start();
 */
export class ProjectionRunner<S> {
  readonly listeners = new Listeners<ProjectionSnapshot<S>>();
  #confirmed: ProjectionState<S>;
  #savedAt = 0;
  #snapshot: ProjectionSnapshot<S>;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: LocalEventStore,
    readonly projection: Projection<S>,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.#confirmed = { state: projection.initialState, checkpoint: 0 };
    this.#snapshot = {
      name: projection.name,
      state: projection.initialState,
      checkpoint: 0,
      pending: 0,
      revision: 0,
    };
  }

  get snapshot(): ProjectionSnapshot<S> {
    return this.#snapshot;
  }

  /** Resume from the stored checkpoint (unless the projection's version changed) and catch up. */
  start(): Promise<void> {
    return this.#enqueue(async () => {
      const saved = await this.store.getCheckpoint(this.projection.name);
      if (saved?.projectionVersion === this.projection.version) {
        this.#confirmed = { state: saved.state as S, checkpoint: saved.position };
        this.#savedAt = saved.position;
      }
      await this.#catchUp();
      await this.#refresh();
    });
  }

  /**
   * React to a committed batch: fold it when it follows the checkpoint, else read what was
   * missed. With sync, a batch of confirmed events is only what was new to this device:
   * this device's own events confirmed with it are read from the store in the same step,
   * so they never leave the pending overlay before they are in the confirmed state.
   */
  onBatch(events: readonly Envelope[]): Promise<void> {
    return this.#enqueue(async () => {
      const positioned = events.filter((e) => e.position !== undefined);
      const first = positioned[0];
      if (first && this.options.pending) {
        await this.#catchUp();
      } else if (first && first.position === this.#confirmed.checkpoint + 1) {
        this.#confirmed = {
          state: foldProjection(this.projection, this.#confirmed.state, positioned),
          checkpoint: positioned.at(-1)!.position!,
        };
      } else if (first && first.position! > this.#confirmed.checkpoint) {
        await this.#catchUp();
      }
      await this.#refresh();
    });
  }

  /** Read confirmed events the runner has not seen (after a confirmation, a gap, a restart). */
  catchUp(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#catchUp();
      await this.#refresh();
    });
  }

  /** Publish the pending overlay again (pending events were replaced or dropped). */
  refresh(): Promise<void> {
    return this.#enqueue(() => this.#refresh());
  }

  rebuild(): Promise<void> {
    return this.#enqueue(async () => {
      this.#confirmed = { state: this.projection.initialState, checkpoint: 0 };
      this.#savedAt = -1;
      await this.#catchUp();
      await this.#refresh();
    });
  }

  /** Save the confirmed state now. */
  flush(): Promise<void> {
    return this.#enqueue(() => this.#save());
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task);
    this.#chain = run.catch((error: unknown) => {
      console.error(`tidelog: projection "${this.projection.name}" failed to update`, error);
    });
    return run;
  }

  async #catchUp(): Promise<void> {
    this.#confirmed = await runProjection(this.store, this.projection, this.#confirmed);
  }

  async #save(): Promise<void> {
    if (this.#savedAt === this.#confirmed.checkpoint) return;
    await this.store.putCheckpoint({
      name: this.projection.name,
      position: this.#confirmed.checkpoint,
      state: this.#confirmed.state,
      projectionVersion: this.projection.version,
    });
    this.#savedAt = this.#confirmed.checkpoint;
  }

  /** Publish confirmed state + pending overlay when it changed; save a checkpoint when due. */
  async #refresh(): Promise<void> {
    const pending = this.options.pending ? await this.store.readPending() : [];
    // With no pending event that the projection handles, this is the confirmed state itself.
    const state = foldProjection(this.projection, this.#confirmed.state, pending);
    const prev = this.#snapshot;
    if (
      prev.state !== state ||
      prev.checkpoint !== this.#confirmed.checkpoint ||
      prev.pending !== pending.length
    ) {
      this.#snapshot = {
        name: this.projection.name,
        state,
        checkpoint: this.#confirmed.checkpoint,
        pending: pending.length,
        revision: prev.revision + 1,
      };
      this.listeners.emit(this.#snapshot);
    }
    if (this.#confirmed.checkpoint - this.#savedAt >= this.options.checkpointEvery) await this.#save();
  }
}
