import type { WorkerLostError } from '../errors.js';

/**
 * The calls a page has in flight to its runtime, so that they can all fail at once when
 * the worker behind them is gone: a message to a dead worker is never answered, and a
 * promise waiting for that answer would hang forever. Once lost, every new call fails at
 * once with the same error, until `reset` (a new worker took over).
 *
 * @example
 * const guard = new CallGuard();
 * const state = await guard.run(() => session.load('counter', 'c-1'));
 * guard.lose(new WorkerLostError('the worker is gone')); // rejects what is still waiting
 */
export class CallGuard {
  readonly #pending = new Set<(error: Error) => void>();
  #lost: WorkerLostError | undefined;

  /** The error the calls fail with, once the worker is gone. */
  get lost(): WorkerLostError | undefined {
    return this.#lost;
  }

  /** Make the call now (so calls keep the order they were made in) and track its answer. */
  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.#lost) return Promise.reject(this.#lost);
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      let answer: Promise<T>;
      try {
        answer = call();
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(resolve, reject).finally(() => this.#pending.delete(reject));
    });
  }

  /** Fail every call in flight and every later one with `error`. False when already lost. */
  lose(error: WorkerLostError): boolean {
    if (this.#lost) return false;
    this.#lost = error;
    const waiting = [...this.#pending];
    this.#pending.clear();
    for (const reject of waiting) reject(error);
    return true;
  }

  /** Calls may go through again (a follower re-attached to a new leader's worker). */
  reset(): void {
    this.#lost = undefined;
  }
}
