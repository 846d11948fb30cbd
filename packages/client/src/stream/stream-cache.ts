import type { AnyAggregate } from '@tidelog/core';
import { Listeners } from '../listeners.js';
import type { TimerHandle, Timers } from '../timers.js';
import type { AggregateSnapshot } from '../types.js';

/** One aggregate instance held in memory. */
export interface StreamEntry {
  aggregate: AnyAggregate;
  streamId: string;
  snapshot: AggregateSnapshot<unknown>;
  /** Version of the last saved snapshot (0 when none). */
  snapshotAt: number;
}

/**
 * What is held for one stream and aggregate type: the aggregate, its folded state (once
 * loaded), its subscribers, when the state was last used, and its idle timer (if one is armed).
 */
interface Slot {
  aggregate: AnyAggregate;
  entry: StreamEntry | undefined;
  listeners: Listeners<AggregateSnapshot<unknown>>;
  usedAt: number;
  timer: TimerHandle | undefined;
}

/**
 * Folded states and their subscribers, by stream and aggregate type (nested maps: a stream
 * id or a type may hold any character, `:` included, without two keys meeting). A state is
 * dropped after `idleMs` without use unless it has subscribers; a dropped state is
 * reloaded from the store on next use, so eviction only costs time.
 *
 * A use only notes the time: the one timer per state, when it fires, evicts the state or
 * re-arms for the rest of the idle time. Re-arming a timer on every command cost more
 * than the rest of the runtime's bookkeeping for it together.
 *
 * @example
 * const cache = new StreamCache(60_000, systemTimers);
 * cache.set(entry);
 * const off = cache.listen(Counter, 'c-1', (snapshot) => render(snapshot));
 */
export class StreamCache {
  readonly #streams = new Map<string, Map<string, Slot>>();

  constructor(
    private readonly idleMs: number,
    private readonly timers: Timers,
  ) {}

  get(streamId: string, type: string): StreamEntry | undefined {
    const slot = this.#slot(streamId, type);
    if (slot) this.#use(slot);
    return slot?.entry;
  }

  /** Read without counting as use. */
  peek(streamId: string, type: string): StreamEntry | undefined {
    return this.#slot(streamId, type)?.entry;
  }

  set(entry: StreamEntry): void {
    const slot = this.#slotFor(entry.aggregate, entry.streamId);
    slot.entry = entry;
    this.#use(slot);
  }

  /** Drop a cached state (its subscribers stay). */
  delete(streamId: string, type: string): void {
    const slot = this.#slot(streamId, type);
    if (!slot) return;
    slot.entry = undefined;
    this.#stop(slot);
    this.#prune(streamId, type, slot);
  }

  /**
   * Add a subscriber to the states of a stream: while it has one, a state is not timed.
   * Its release counts as use (the idle time starts then).
   */
  listen(
    aggregate: AnyAggregate,
    streamId: string,
    listener: (snapshot: AggregateSnapshot<unknown>) => void,
  ): () => void {
    const { type } = aggregate;
    const slot = this.#slotFor(aggregate, streamId);
    const off = slot.listeners.add(listener);
    this.#stop(slot);
    return () => {
      off();
      this.#use(slot);
      this.#prune(streamId, type, slot);
    };
  }

  /** Publish an entry's snapshot to its subscribers. */
  emit(entry: StreamEntry): void {
    this.#slot(entry.streamId, entry.aggregate.type)?.listeners.emit(entry.snapshot);
  }

  /** The aggregates a stream is cached or subscribed as. */
  aggregatesOf(streamId: string): AnyAggregate[] {
    return [...(this.#streams.get(streamId)?.values() ?? [])].map((slot) => slot.aggregate);
  }

  /** Streams with a cached or subscribed state. */
  streams(): string[] {
    return [...this.#streams.keys()];
  }

  /** Cached states. */
  get size(): number {
    return this.#slots().filter((s) => s.entry).length;
  }

  /** Subscribers, of every stream. */
  get listenerCount(): number {
    return this.#slots().reduce((n, s) => n + s.listeners.size, 0);
  }

  clear(): void {
    for (const slot of this.#slots()) this.#stop(slot);
    this.#streams.clear();
  }

  #slot(streamId: string, type: string): Slot | undefined {
    return this.#streams.get(streamId)?.get(type);
  }

  /** The slot, made when there is none. */
  #slotFor(aggregate: AnyAggregate, streamId: string): Slot {
    const { type } = aggregate;
    let types = this.#streams.get(streamId);
    if (!types) {
      types = new Map();
      this.#streams.set(streamId, types);
    }
    let slot = types.get(type);
    if (!slot) {
      slot = { aggregate, entry: undefined, listeners: new Listeners(), usedAt: 0, timer: undefined };
      types.set(type, slot);
    }
    return slot;
  }

  /** Forget a slot with neither a state nor subscribers (unless it was replaced meanwhile). */
  #prune(streamId: string, type: string, slot: Slot): void {
    const types = this.#streams.get(streamId);
    if (slot.entry || slot.listeners.size > 0 || types?.get(type) !== slot) return;
    types.delete(type);
    if (types.size === 0) this.#streams.delete(streamId);
  }

  #slots(): Slot[] {
    return [...this.#streams.values()].flatMap((types) => [...types.values()]);
  }

  /** Count as use now (restarts the idle time; a subscribed state is not timed at all). */
  #use(slot: Slot): void {
    slot.usedAt = this.timers.now();
    if (slot.timer === undefined && Number.isFinite(this.idleMs)) this.#arm(slot, this.idleMs);
  }

  #arm(slot: Slot, ms: number): void {
    if (!slot.entry || slot.listeners.size > 0) return;
    slot.timer = this.timers.setTimeout(() => {
      slot.timer = undefined;
      const idle = this.timers.now() - slot.usedAt;
      if (idle < this.idleMs) this.#arm(slot, this.idleMs - idle);
      else if (slot.entry) this.delete(slot.entry.streamId, slot.entry.aggregate.type);
    }, ms);
  }

  #stop(slot: Slot): void {
    if (slot.timer !== undefined) this.timers.clearTimeout(slot.timer);
    slot.timer = undefined;
  }
}
