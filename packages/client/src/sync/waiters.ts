import type { SyncStatus } from './host.js';

/**
 * A wake-up flag for a loop that sleeps between rounds: `set` before `wait` is not lost.
 *
 * @example
 * const wake = new Wake();
 * wake.set();
 * await wake.wait(); // returns at once
 */
export class Wake {
  #set = false;
  #resolve: (() => void) | undefined;

  set(): void {
    this.#set = true;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.();
  }

  wait(): Promise<void> {
    if (this.#set) {
      this.#set = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#resolve = () => {
        this.#set = false;
        resolve();
      };
    });
  }
}

interface Waiter {
  ticket: number;
  resolve(status: SyncStatus): void;
  reject(error: unknown): void;
}

/**
 * Callers of `sync.now()`. Each gets a ticket; a round that started after the ticket was
 * drawn and ended clean answers it, so `now()` covers every command made before the call.
 *
 * @example
 * const waiters = new NowWaiters();
 * const done = waiters.add();
 * const served = waiters.ticket; // at the start of a round
 * waiters.resolveUpTo(served, status);
 */
export class NowWaiters {
  #ticket = 0;
  #list: Waiter[] = [];

  /** The last ticket drawn. */
  get ticket(): number {
    return this.#ticket;
  }

  get size(): number {
    return this.#list.length;
  }

  add(): Promise<SyncStatus> {
    const ticket = ++this.#ticket;
    return new Promise((resolve, reject) => this.#list.push({ ticket, resolve, reject }));
  }

  resolveUpTo(ticket: number, status: SyncStatus): void {
    for (const waiter of this.#take(ticket)) waiter.resolve(status);
  }

  /** Fail the callers a round that started at `ticket` was serving; later ones wait on. */
  rejectUpTo(ticket: number, error: unknown): void {
    for (const waiter of this.#take(ticket)) waiter.reject(error);
  }

  rejectAll(error: unknown): void {
    this.rejectUpTo(this.#ticket, error);
  }

  /** Remove and return the callers holding a ticket up to `ticket`. */
  #take(ticket: number): Waiter[] {
    const taken = this.#list.filter((w) => w.ticket <= ticket);
    this.#list = this.#list.filter((w) => w.ticket > ticket);
    return taken;
  }
}
