import type { AnyAggregate } from '@tidelog/core';
import type { TimerHandle, Timers } from './timers.js';
import type { AggregateSnapshot } from './types.js';

/** One aggregate instance held in memory. */
export interface StreamEntry {
  aggregate: AnyAggregate;
  streamId: string;
  snapshot: AggregateSnapshot<unknown>;
  /** Version of the last saved snapshot (0 when none). */
  snapshotAt: number;
}

/**
 * Folded states by `type:streamId`, each dropped after `idleMs` without use unless
 * something holds it (a subscription). A dropped state is reloaded from the store on next
 * use, so eviction only costs time.
 *
 * @example
 * const cache = new StreamCache(60_000, systemTimers);
 * cache.set('counter:c-1', entry);
 */
export class StreamCache {
  readonly #entries = new Map<string, StreamEntry>();
  readonly #timers = new Map<string, TimerHandle>();

  constructor(
    private readonly idleMs: number,
    private readonly timers: Timers,
    private readonly isHeld: (key: string) => boolean,
  ) {}

  get(key: string): StreamEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry) this.touch(key);
    return entry;
  }

  /** Read without counting as use. */
  peek(key: string): StreamEntry | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: StreamEntry): void {
    this.#entries.set(key, entry);
    this.touch(key);
  }

  delete(key: string): void {
    this.#entries.delete(key);
    this.#clearTimer(key);
  }

  /** Restart the idle timer (or stop it while the entry is held). */
  touch(key: string): void {
    this.#clearTimer(key);
    if (!this.#entries.has(key) || this.isHeld(key) || !Number.isFinite(this.idleMs)) return;
    this.#timers.set(
      key,
      this.timers.setTimeout(() => {
        this.#timers.delete(key);
        if (!this.isHeld(key)) this.#entries.delete(key);
      }, this.idleMs),
    );
  }

  #clearTimer(key: string): void {
    const handle = this.#timers.get(key);
    if (handle !== undefined) {
      this.timers.clearTimeout(handle);
      this.#timers.delete(key);
    }
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    for (const key of [...this.#timers.keys()]) this.#clearTimer(key);
    this.#entries.clear();
  }
}
