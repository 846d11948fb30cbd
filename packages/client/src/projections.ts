import type { AnyProjection, Envelope, LocalEventStore, Projection } from '@tidelog/core';
import { UnknownProjectionError } from './errors.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import type { ProjectionSnapshot, Unsubscribe } from './types.js';
import type { WorkTracker } from './work-tracker.js';

/** What the projections need: the store, their runners' options, and the runtime's work. */
export interface ProjectionsHost extends ProjectionRunnerOptions {
  store: LocalEventStore;
  work: WorkTracker;
}

/**
 * The projections of one runtime, by name: a `ProjectionRunner` each. Updates the store's
 * notifications start run in the background, counted by the runtime's `WorkTracker`, so
 * `settled()` waits for them.
 *
 * @example
 * const projections = new Projections([Totals], { store, pending: false, checkpointEvery: 100, work });
 * await projections.start();
 * projections.subscribe('totals', (snapshot) => render(snapshot.state));
 */
export class Projections {
  readonly #runners = new Map<string, ProjectionRunner<unknown>>();

  constructor(
    projections: readonly AnyProjection[],
    private readonly host: ProjectionsHost,
  ) {
    // The host carries the runners' options too.
    for (const p of projections) this.#runners.set(p.name, new ProjectionRunner(host.store, p, host));
  }

  /** Resume each from its checkpoint and catch up. */
  async start(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((p) => p.start()));
  }

  /** Be told of every new state, starting with the current one (synchronously). */
  subscribe<S>(
    projection: Projection<S> | string,
    listener: (snapshot: ProjectionSnapshot<S>) => void,
  ): Unsubscribe {
    const runner = this.#get(projection);
    const off = runner.listeners.add(listener as (s: ProjectionSnapshot<unknown>) => void);
    listener(runner.snapshot as ProjectionSnapshot<S>);
    return off;
  }

  snapshot<S>(projection: Projection<S> | string): ProjectionSnapshot<S> | undefined {
    const name = typeof projection === 'string' ? projection : projection.name;
    return this.#runners.get(name)?.snapshot as ProjectionSnapshot<S> | undefined;
  }

  rebuild(projection: { readonly name: string } | string): Promise<void> {
    return this.host.work.track(this.#get(projection).rebuild());
  }

  /** Fold every projection again from the first event (the server's log was reset). */
  async rebuildAll(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((p) => this.host.work.track(p.rebuild())));
  }

  /** Hand a committed batch to every projection, in the background. */
  onBatch(events: readonly Envelope[]): void {
    for (const p of this.#runners.values()) void this.host.work.track(p.onBatch(events));
  }

  /** Read confirmed events not seen yet (after confirmations and rebases). */
  async catchUp(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((p) => p.catchUp()));
  }

  /** Publish the pending overlays again (pending events were dropped), in the background. */
  refresh(): void {
    for (const p of this.#runners.values()) void this.host.work.track(p.refresh());
  }

  /** Save every checkpoint now. */
  async flush(): Promise<void> {
    await Promise.all([...this.#runners.values()].map((p) => p.flush()));
  }

  get listenerCount(): number {
    let n = 0;
    for (const p of this.#runners.values()) n += p.listeners.size;
    return n;
  }

  /** Drop every listener (the runtime is closing). */
  clearListeners(): void {
    for (const p of this.#runners.values()) p.listeners.clear();
  }

  #get(projection: { readonly name: string } | string): ProjectionRunner<unknown> {
    const name = typeof projection === 'string' ? projection : projection.name;
    const runner = this.#runners.get(name);
    if (!runner) throw new UnknownProjectionError(name);
    return runner;
  }
}
