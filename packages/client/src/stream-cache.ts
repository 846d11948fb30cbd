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

/** A cached entry, when it was last used, and its idle timer (if one is armed). */
interface Slot {
  entry: StreamEntry;
  usedAt: number;
  timer: TimerHandle | undefined;
}

/**
 * Folded states by `type:streamId`, each dropped after `idleMs` without use unless
 * something holds it (a subscription). A dropped state is reloaded from the store on next
 * use, so eviction only costs time.
 *
 * A use only notes the time: the one timer per entry, when it fires, evicts the entry or
 * re-arms for the rest of the idle time. Re-arming a timer on every command cost more
 * than the rest of the runtime's bookkeeping for it together.
 *
 * @example
 * const cache = new StreamCache(60_000, systemTimers);
 * cache.set('counter:c-1', entry);
 */
export class StreamCache {
  readonly #slots = new Map<string, Slot>();

  constructor(
    private readonly idleMs: number,
    private readonly timers: Timers,
    private readonly isHeld: (key: string) => boolean,
  ) {}

  get(key: string): StreamEntry | undefined {
    const slot = this.#slots.get(key);
    if (slot) this.#use(key, slot);
    return slot?.entry;
  }

  /** Read without counting as use. */
  peek(key: string): StreamEntry | undefined {
    return this.#slots.get(key)?.entry;
  }

  set(key: string, entry: StreamEntry): void {
    let slot = this.#slots.get(key);
    if (slot) slot.entry = entry;
    else {
      slot = { entry, usedAt: 0, timer: undefined };
      this.#slots.set(key, slot);
    }
    this.#use(key, slot);
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
  }

  /** Count as use now (restarts the idle time; a held entry is not timed at all). */
  touch(key: string): void {
    const slot = this.#slots.get(key);
    if (slot) this.#use(key, slot);
  }

  #use(key: string, slot: Slot): void {
    slot.usedAt = this.timers.now();
    if (slot.timer === undefined && Number.isFinite(this.idleMs) && !this.isHeld(key)) {
      this.#arm(key, slot, this.idleMs);
    }
  }

  #arm(key: string, slot: Slot, ms: number): void {
    slot.timer = this.timers.setTimeout(() => {
      slot.timer = undefined;
      // Replaced or dropped meanwhile, or held now (its release touches it again).
      if (this.#slots.get(key) !== slot || this.isHeld(key)) return;
      const idle = this.timers.now() - slot.usedAt;
      if (idle >= this.idleMs) this.#slots.delete(key);
      else this.#arm(key, slot, this.idleMs - idle);
    }, ms);
  }

  keys(): string[] {
    return [...this.#slots.keys()];
  }

  get size(): number {
    return this.#slots.size;
  }

  clear(): void {
    for (const slot of this.#slots.values()) {
      if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    }
    this.#slots.clear();
  }
}
