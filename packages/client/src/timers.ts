/** A timer handle as returned by `Timers.setTimeout`. */
export type TimerHandle = unknown;

/**
 * The clock and timers the runtime uses, injectable so tests can move time by hand
 * (idle eviction, `ctx.now`) instead of sleeping.
 */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The platform's clock and timers.
 *
 * @example
 * createTidelog({ aggregates: [Counter], store: new MemoryEventStore(), timers: systemTimers });
 */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = globalThis.setTimeout(fn, ms);
    // In Node an idle-eviction timer must not keep the process alive.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Timers driven by hand: `advance(ms)` runs what falls due, in order. For tests.
 *
 * @example
 * const timers = new ManualTimers();
 * timers.advance(60_000);
 */
export class ManualTimers implements Timers {
  #now: number;
  #next = 1;
  readonly #due = new Map<number, { at: number; fn: () => void }>();
  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#due.set(id, { at: this.#now + ms, fn });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.#due.delete(handle as number);
  }
  /** How many timers are waiting. */
  get pending(): number {
    return this.#due.size;
  }
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.#due.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}
