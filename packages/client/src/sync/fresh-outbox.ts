import type { LocalChange } from '@tidelog/core';
import { type PushItem, pushItems } from './batches.js';

/** How long what the loop knows of the outbox is trusted after the read it rests on (ms). */
export const MAX_AGE_MS = 1000;

/**
 * What waits in the outbox to be pushed, known without reading it: the commands appended
 * (`LocalChange.appended`) since a push round read the outbox and sent all of it. A page
 * that only confirmed commands (`LocalChange.confirmed`) leaves it known: those were sent
 * before. Any other change to the outbox (a rebase, a rejection, a reset, `takePending`,
 * a change whose content the loop was not told) makes it unknown, and the next round reads
 * the outbox again. This rests on the runtime's store instance being the only writer of
 * the outbox, as in the SharedWorker, the dedicated-Worker leader or one Node process. In
 * the in-page fallback the other tabs also write commands to the shared outbox (the
 * syncing tab pushes them): what is known is trusted for `MAX_AGE_MS` after the read it
 * rests on, so a round after that reads the outbox again and takes their commands along.
 *
 * @example
 * const fresh = new FreshOutbox(() => Date.now());
 * host.onLocalChange((change) => fresh.changed(change));
 * const items = fresh.take() ?? (await readItemsFromTheStore());
 */
export class FreshOutbox {
  /** Not yet sent, in outbox order; `undefined`: not known, read the outbox. */
  #items: PushItem[] | undefined;
  /** Changes to the outbox seen so far, to tell whether one came during a read. */
  #changes = 0;
  /** When the read that `#items` rests on was made. */
  #readAt = 0;

  /** The clock (ms) that ages what is known (the loop's timers). */
  readonly #now: () => number;

  /** @param now the clock (ms) that ages what is known (the loop's timers). */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** A local change of the store; `undefined` when what changed is not known. */
  changed(change: LocalChange | undefined): void {
    if (change !== undefined && !change.outbox) return; // the rejected list alone
    this.#changes++;
    if (this.#items === undefined) return;
    if (change?.appended) {
      this.#items.push(...pushItems([change.appended.entry], change.appended.events));
    } else if (change?.confirmed) {
      // Only sent commands can come back confirmed; anything else means another writer.
      const confirmed = new Set(change.confirmed);
      if (this.#items.some((item) => item.events.some((e) => confirmed.has(e.id)))) this.#items = undefined;
    } else {
      this.#items = undefined;
    }
  }

  /** Taken before a round reads the outbox, for `sentAll` (with the time of the read). */
  mark(): number {
    return this.#changes;
  }

  /** The round that read the outbox after `mark` sent all of it: nothing waits, unless the outbox changed since. */
  sentAll(mark: number, readAt: number): void {
    if (mark !== this.#changes) return;
    this.#items = [];
    this.#readAt = readAt;
  }

  /** What waits, if known and not too old; taken (the caller sends it, and calls `forget` if that fails). */
  take(): PushItem[] | undefined {
    if (this.#now() - this.#readAt > MAX_AGE_MS) this.#items = undefined;
    const items = this.#items;
    if (items !== undefined) this.#items = [];
    return items;
  }

  /** Not known any more: the next round reads the outbox. */
  forget(): void {
    this.#items = undefined;
  }
}
