import { UnavailableError } from './errors.js';

/** Bounds on the pushes a store holds queued or in flight, and their bytes. */
export interface AdmissionLimits {
  /** Most pushes queued or being written at once (default 1,000). */
  maxPushes: number;
  /** Most bytes of event data and meta queued or being written at once (default 64 MiB). */
  maxBytes: number;
}

/** How much a store queues by default before it answers 503: 1,000 pushes or 64 MiB of events. */
export const DEFAULT_ADMISSION: Readonly<AdmissionLimits> = Object.freeze({
  maxPushes: 1000,
  maxBytes: 64 * 1024 * 1024,
});

/**
 * Admission control for a store's write queue: a push is let in while the queue holds
 * fewer than `maxPushes` pushes and fewer than `maxBytes` bytes, else refused at once with
 * `UnavailableError` (503 with Retry-After), so memory stays flat however many requests
 * arrive. A push alone in an empty queue is always let in, whatever its size.
 *
 * @example
 * const admission = new Admission({ maxPushes: 1000, maxBytes: 64 << 20 }, 'the SQLite writer queue');
 * const release = admission.enter(bytes);
 * try { await write(); } finally { release(); }
 */
export class Admission {
  #pushes = 0;
  #bytes = 0;
  readonly #limits: AdmissionLimits;

  constructor(
    limits: Partial<AdmissionLimits> | undefined,
    private readonly what: string,
  ) {
    this.#limits = { ...DEFAULT_ADMISSION, ...limits };
    for (const [key, value] of Object.entries(this.#limits)) {
      if (!Number.isSafeInteger(value) || value < 1)
        throw new RangeError(`${key} must be a positive integer`);
    }
  }

  /** Pushes and bytes let in and not yet released. */
  get load(): { pushes: number; bytes: number } {
    return { pushes: this.#pushes, bytes: this.#bytes };
  }

  /** Let a push of `bytes` in, or throw `UnavailableError`; returns its release (idempotent). */
  enter(bytes: number): () => void {
    const { maxPushes, maxBytes } = this.#limits;
    if (this.#pushes > 0 && (this.#pushes >= maxPushes || this.#bytes + bytes > maxBytes)) {
      throw new UnavailableError(
        `${this.what} is full (${this.#pushes} pushes, ${this.#bytes} bytes waiting): try again shortly`,
      );
    }
    this.#pushes++;
    this.#bytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#pushes--;
      this.#bytes -= bytes;
    };
  }
}
