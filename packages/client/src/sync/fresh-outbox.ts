import type { LocalChange } from '@tidelog/core';
import { type PushItem, pushItems } from './batches.js';

/**
 * What waits in the outbox to be pushed, known without reading it: the commands appended
 * (`LocalChange.appended`) since a push round read the outbox and sent all of it. A page
 * that only confirmed commands (`LocalChange.confirmed`) leaves it known: those were sent
 * before. Any other change to the outbox (a rebase, a rejection, a reset, `takePending`,
 * a change whose content the loop was not told) makes it unknown, and the next round reads
 * the outbox again. This rests on what the runtime guarantees: its store instance is the
 * only writer of the outbox (the SharedWorker, the leader tab, one Node process).
 *
 * @example
 * host.onLocalChange((change) => fresh.changed(change));
 * const items = fresh.take() ?? (await readItemsFromTheStore());
 */
export class FreshOutbox {
  /** Not yet sent, in outbox order; `undefined`: not known, read the outbox. */
  #items: PushItem[] | undefined;
  /** Changes to the outbox seen so far, to tell whether one came during a read. */
  #changes = 0;

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

  /** Taken before a round reads the outbox, for `sentAll`. */
  mark(): number {
    return this.#changes;
  }

  /** The round that read the outbox after `mark` sent all of it: nothing waits, unless the outbox changed since. */
  sentAll(mark: number): void {
    if (mark === this.#changes) this.#items = [];
  }

  /** What waits, if known; taken (the caller sends it, and calls `forget` if that fails). */
  take(): PushItem[] | undefined {
    const items = this.#items;
    if (items !== undefined) this.#items = [];
    return items;
  }

  /** Not known any more: the next round reads the outbox. */
  forget(): void {
    this.#items = undefined;
  }
}
