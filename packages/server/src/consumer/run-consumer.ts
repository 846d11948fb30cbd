import { ClosedError, hasErrorCode, type Json, type PositionedEnvelope, serializeError } from '@tidelog/core';
import { LeaseLostError } from './errors.js';
import { type CheckpointHooks, plain } from './hooks.js';
import { type ConsumerOptions, type ResolvedOptions, resolveConsumerOptions } from './options.js';
import { readRange } from './read-range.js';
import type { CommitAction, ConsumerBatch } from './types.js';
import { backoff, Wake } from './wake.js';

/** A running consumer. */
export interface Consumer {
  readonly name: string;
  /** Whether this replica holds the lease now, its fence token, and the offsets it knows. */
  status(): { driving: boolean; fence: number | undefined; offsets: Map<string, number> };
  /**
   * Resolves once this replica has handled (or parked) `space` up to `position`; rejects
   * with `CLOSED` if the consumer stops first.
   */
  waitFor(space: string, position: number): Promise<void>;
  /**
   * Stop: the batch in hand finishes (its signal is aborted), the lease is released so
   * another replica takes over at once, and the consumer stops reading.
   */
  stop(): Promise<void>;
  /** Settles when the consumer has stopped; rejects if it stopped on an error it cannot recover from. */
  readonly done: Promise<void>;
}

/** A handler's own error, told apart from the store's (which must not park a batch). */
class HandlerFailed extends Error {
  constructor(readonly error: unknown) {
    super('handler failed');
  }
}

/** Stands for "stop was called" inside the loop. */
const STOPPED = Symbol('stopped');

/**
 * Run a consumer: read the events of `spaces` in position order from the stored offsets,
 * hand them to the handler one batch at a time, and move the offsets. It catches up, then
 * follows new commits (`store.watch`: LISTEN/NOTIFY on PostgreSQL). With several replicas
 * on one database exactly one drives it at a time, through a lease whose fence token every
 * offset write checks. A failing batch is retried with backoff and, after
 * `retry.attempts`, parked as a dead letter. See docs/consumers.md.
 *
 * @example
 * const mailer = runConsumer({
 *   store, consumers, name: 'order-mailer', spaces: ['shop'],
 *   async handle({ events }) { for (const e of events) if (e.type === 'OrderPlaced') await sendMail(e); },
 * });
 * await mailer.stop();
 */
export function runConsumer<Tx>(options: ConsumerOptions<Tx>): Consumer {
  return new Runner(options, resolveConsumerOptions(options), plain);
}

/** The loop behind `runConsumer` (and server projections, through `hooks`). */
export class Runner<Tx> implements Consumer {
  readonly name: string;
  readonly done: Promise<void>;
  readonly #o: ConsumerOptions<Tx>;
  readonly #r: ResolvedOptions;
  readonly #hooks: CheckpointHooks;
  readonly #wake = new Wake();
  readonly #offsets = new Map<string, number>();
  readonly #waiters = new Set<{ space: string; position: number; resolve(): void; reject(e: Error): void }>();
  #ended = false;
  #fence: number | undefined;
  #lost = false;
  #abort = new AbortController();
  #renewTimer: ReturnType<typeof setInterval> | undefined;
  #lettersCheckedAt = 0;

  constructor(options: ConsumerOptions<Tx>, resolved: ResolvedOptions, hooks: CheckpointHooks) {
    this.name = options.name;
    this.#o = options;
    this.#r = resolved;
    this.#hooks = hooks;
    this.done = this.#run();
    this.done.catch(() => {}); // read through `done`; never an unhandled rejection
  }

  status() {
    return {
      driving: this.#fence !== undefined && !this.#lost,
      fence: this.#fence,
      offsets: new Map(this.#offsets),
    };
  }

  waitFor(space: string, position: number): Promise<void> {
    if ((this.#offsets.get(space) ?? 0) >= position) return Promise.resolve();
    if (this.#ended) return Promise.reject(this.#stoppedBefore(space, position));
    return new Promise((resolve, reject) => this.#waiters.add({ space, position, resolve, reject }));
  }

  async stop(): Promise<void> {
    this.#wake.stop();
    this.#abort.abort();
    await this.done.catch(() => {});
  }

  async #run(): Promise<void> {
    const unwatch = this.#o.spaces.map((space) => this.#o.store.watch(space, () => this.#wake.notify()));
    let failures = 0;
    try {
      while (!this.#wake.stopped) {
        try {
          await this.#step();
          failures = 0;
        } catch (error) {
          if (error === STOPPED) break;
          if (hasErrorCode(error, 'LEASE_LOST')) {
            this.#dropLease();
            continue;
          }
          if (hasErrorCode(error, 'ASYNC_TRANSACTION')) throw error;
          this.#report(error, {});
          // The database away, a pull failing: wait, then start over from the stored offsets.
          this.#dropLease();
          await this.#wake.wait(backoff(++failures, this.#r), false);
        }
      }
    } finally {
      this.#ended = true;
      for (const waiter of this.#waiters) waiter.reject(this.#stoppedBefore(waiter.space, waiter.position));
      this.#waiters.clear();
      for (const stop of unwatch) stop();
      const fence = this.#fence;
      this.#dropLease();
      if (fence !== undefined) await this.#o.consumers.release(this.name, fence).catch(() => {});
    }
  }

  /** One turn: take the lease if needed, retry requested dead letters, one batch per space. */
  async #step(): Promise<void> {
    if (this.#fence === undefined) {
      const fence = await this.#o.consumers.acquire(this.name, this.#r.owner, this.#r.ttlMs);
      if (fence === undefined) {
        // Another replica drives: look again a few times per lease period.
        await this.#wake.wait(this.#r.ttlMs / 4, false);
        return;
      }
      this.#takeLease(fence);
      const checkpoints = await this.#o.consumers.checkpoints(this.name);
      for (const space of this.#o.spaces) {
        this.#setOffset(space, this.#hooks.start(space, checkpoints.get(space)));
      }
    }
    this.#wake.clear();
    let progressed = await this.#retryDeadLetters();
    for (const space of this.#o.spaces) {
      this.#check();
      const after = this.#offsets.get(space) ?? 0;
      const page = await this.#o.store.pull(space, { after, limit: this.#r.batchSize });
      if (page.events.length === 0) continue;
      await this.#deliver(space, page.events);
      progressed = true;
    }
    if (!progressed) await this.#wake.wait(this.#r.pollMs);
  }

  /** Hand one batch to the handler until it succeeds or is parked; then move the offset. */
  async #deliver(space: string, events: PositionedEnvelope[]): Promise<void> {
    const fromPosition = events[0]!.position;
    const toPosition = events[events.length - 1]!.position;
    for (let attempt = 1; ; attempt++) {
      try {
        let state: { value: Json; version: number } | undefined;
        try {
          state = this.#hooks.next(space, events);
        } catch (error) {
          throw new HandlerFailed(error);
        }
        const action: CommitAction = { kind: 'offset', space, position: toPosition };
        if (state) action.state = state;
        await this.#handleAndCommit({ space, events, attempt, signal: this.#abort.signal }, action);
        this.#hooks.committed(space, state);
        this.#setOffset(space, toPosition);
        return;
      } catch (failure) {
        if (!(failure instanceof HandlerFailed)) throw failure;
        this.#report(failure.error, { space, attempt });
        if (attempt >= this.#r.attempts) {
          const error = serializeError(failure.error);
          const batch = { space, fromPosition, toPosition, attempts: attempt, error };
          await this.#o.consumers.park(this.name, this.#fence!, batch);
          this.#setOffset(space, toPosition);
          return;
        }
        await this.#wake.wait(backoff(attempt, this.#r), false);
        this.#check();
      }
    }
  }

  /** Run the handler and commit `action`, in one transaction when the handler asks for one. */
  async #handleAndCommit(batch: ConsumerBatch, action: CommitAction): Promise<void> {
    const { consumers, handle, handleInTransaction } = this.#o;
    if (handleInTransaction) {
      const work = (tx: Tx) => {
        let result: unknown;
        try {
          result = handleInTransaction(batch, tx);
        } catch (error) {
          throw new HandlerFailed(error);
        }
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            throw new HandlerFailed(error);
          });
        }
        return result;
      };
      await consumers.commit(this.name, this.#fence!, action, work);
      return;
    }
    try {
      await handle!(batch);
    } catch (error) {
      throw new HandlerFailed(error);
    }
    // A stop does not cancel the commit of a batch already handled; a lost lease does.
    if (this.#lost) throw new LeaseLostError(this.name, this.#fence ?? 0);
    await consumers.commit(this.name, this.#fence!, action);
  }

  /** Retry the dead letters an operator asked for (looked up at most every `pollMs`). */
  async #retryDeadLetters(): Promise<boolean> {
    const now = Date.now();
    if (now - this.#lettersCheckedAt < this.#r.pollMs) return false;
    this.#lettersCheckedAt = now;
    const letters = (await this.#o.consumers.deadLetters(this.name)).filter(
      (l) => l.retryRequested && this.#o.spaces.includes(l.space),
    );
    for (const letter of letters) {
      this.#check();
      const events = await readRange(this.#o.store, letter.space, letter.fromPosition, letter.toPosition);
      const batch = { space: letter.space, events, attempt: letter.attempts + 1, deadLetterId: letter.id };
      try {
        await this.#handleAndCommit(
          { ...batch, signal: this.#abort.signal },
          { kind: 'resolve', deadLetterId: letter.id },
        );
      } catch (failure) {
        if (!(failure instanceof HandlerFailed)) throw failure;
        this.#report(failure.error, { space: letter.space, attempt: batch.attempt });
        await this.#o.consumers.failAgain(this.name, this.#fence!, letter.id, serializeError(failure.error));
      }
    }
    return letters.length > 0;
  }

  #takeLease(fence: number): void {
    this.#fence = fence;
    this.#lost = false;
    this.#abort = new AbortController();
    if (this.#wake.stopped) this.#abort.abort();
    const every = this.#r.ttlMs / 3;
    this.#renewTimer = setInterval(() => {
      this.#o.consumers.renew(this.name, fence, this.#r.ttlMs).then(
        (held) => {
          if (held || this.#fence !== fence) return;
          this.#lost = true;
          this.#abort.abort();
          this.#wake.notify();
        },
        (error: unknown) => this.#report(error, {}),
      );
    }, every);
    this.#renewTimer.unref?.();
  }

  #dropLease(): void {
    clearInterval(this.#renewTimer);
    this.#renewTimer = undefined;
    this.#fence = undefined;
    this.#abort.abort();
  }

  /** Stop here when stopping, or when the lease is known lost. */
  #check(): void {
    if (this.#wake.stopped) throw STOPPED;
    if (this.#lost) throw new LeaseLostError(this.name, this.#fence ?? 0);
  }

  #setOffset(space: string, position: number): void {
    this.#offsets.set(space, position);
    for (const waiter of this.#waiters) {
      if (waiter.space === space && waiter.position <= position) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  #stoppedBefore(space: string, position: number): ClosedError {
    return new ClosedError(
      `consumer "${this.name}" stopped before space "${space}" reached position ${position}`,
    );
  }

  #report(error: unknown, context: { space?: string; attempt?: number }): void {
    const onError = this.#o.onError ?? ((e: unknown) => console.error(`tidelog: consumer "${this.name}"`, e));
    try {
      onError(error, { consumer: this.name, ...context });
    } catch {
      // A throwing error reporter must not stop the consumer.
    }
  }
}
