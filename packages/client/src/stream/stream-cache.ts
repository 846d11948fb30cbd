import type { AnyAggregate } from '@tidelog/core';
import type { TimerHandle, Timers } from '../timers.js';
import type { AggregateSnapshot } from '../types.js';
import { StreamTable } from './stream-table.js';

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
 * Folded states by stream and aggregate type, each dropped after `idleMs` without use unless
 * something holds it (a subscription). A dropped state is reloaded from the store on next
 * use, so eviction only costs time.
 *
 * A use only notes the time: the one timer per entry, when it fires, evicts the entry or
 * re-arms for the rest of the idle time. Re-arming a timer on every command cost more
 * than the rest of the runtime's bookkeeping for it together.
 *
 * @example
 * const cache = new StreamCache(60_000, systemTimers);
 * cache.set(entry);
 */
export class StreamCache {
  readonly #slots = new StreamTable<Slot>();

  constructor(
    private readonly idleMs: number,
    private readonly timers: Timers,
    private readonly isHeld: (streamId: string, type: string) => boolean,
  ) {}

  get(streamId: string, type: string): StreamEntry | undefined {
    const slot = this.#slots.get(streamId, type);
    if (slot) this.#use(slot);
    return slot?.entry;
  }

  /** Read without counting as use. */
  peek(streamId: string, type: string): StreamEntry | undefined {
    return this.#slots.get(streamId, type)?.entry;
  }

  /** The cached entries of one stream (of every aggregate type). */
  ofStream(streamId: string): StreamEntry[] {
    return this.#slots.ofStream(streamId).map(([, slot]) => slot.entry);
  }

  set(entry: StreamEntry): void {
    let slot = this.#slots.get(entry.streamId, entry.aggregate.type);
    if (slot) slot.entry = entry;
    else {
      slot = { entry, usedAt: 0, timer: undefined };
      this.#slots.set(entry.streamId, entry.aggregate.type, slot);
    }
    this.#use(slot);
  }

  delete(streamId: string, type: string): void {
    const slot = this.#slots.get(streamId, type);
    if (!slot) return;
    this.#slots.delete(streamId, type);
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
  }

  /** Count as use now (restarts the idle time; a held entry is not timed at all). */
  touch(streamId: string, type: string): void {
    const slot = this.#slots.get(streamId, type);
    if (slot) this.#use(slot);
  }

  #use(slot: Slot): void {
    slot.usedAt = this.timers.now();
    const { streamId, aggregate } = slot.entry;
    if (slot.timer === undefined && Number.isFinite(this.idleMs) && !this.isHeld(streamId, aggregate.type)) {
      this.#arm(slot, this.idleMs);
    }
  }

  #arm(slot: Slot, ms: number): void {
    const { streamId } = slot.entry;
    const type = slot.entry.aggregate.type;
    slot.timer = this.timers.setTimeout(() => {
      slot.timer = undefined;
      // Replaced or dropped meanwhile, or held now (its release touches it again).
      if (this.#slots.get(streamId, type) !== slot || this.isHeld(streamId, type)) return;
      const idle = this.timers.now() - slot.usedAt;
      if (idle >= this.idleMs) this.#slots.delete(streamId, type);
      else this.#arm(slot, this.idleMs - idle);
    }, ms);
  }

  /** Streams with a cached state. */
  streams(): string[] {
    return this.#slots.streams();
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
