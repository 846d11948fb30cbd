import { ClosedError } from '@tidelog/core';
import { type Durability, transact } from './requests.js';
import type { StoreName } from './schema.js';
import { errorName, toStorageError } from './storage-errors.js';

/**
 * One store's connection to its database, reopened when it is lost: another tab's
 * version change (upgrade or delete) closes it, and so may the browser. It runs the
 * store's transactions, each with the store's durability. A transaction that failed
 * because the connection went away is retried once on a fresh connection; that is safe
 * because a transaction that did not commit left nothing behind.
 */
export class Connection {
  /** Open a connection; `onLost` is called when that connection is gone. */
  readonly #open: (onLost: () => void) => Promise<IDBDatabase>;
  readonly #durability: Durability;
  #db: Promise<IDBDatabase> | undefined;
  #closed = false;

  constructor(open: (onLost: () => void) => Promise<IDBDatabase>, durability: Durability) {
    this.#open = open;
    this.#durability = durability;
  }

  #forget(which: Promise<IDBDatabase>): void {
    if (this.#db === which) this.#db = undefined;
  }

  /**
   * Run `body` in one transaction (see `transact`) on the live connection, opening one if
   * there is none; if the connection was lost under it, run it once more on a fresh one
   * (`retry` false: that was the second run).
   *
   * @example
   * const n = await connection.run(['meta'], 'readonly', (tx) => request(tx.objectStore('meta').count()));
   */
  async run<T>(
    stores: StoreName[],
    mode: IDBTransactionMode,
    body: (tx: IDBTransaction) => Promise<T>,
    retry = true,
  ): Promise<T> {
    if (this.#closed) throw new ClosedError('the store is closed');
    // `current` is set by the time the connection can be lost.
    this.#db ??= this.#open(() => this.#forget(current));
    const current = this.#db;
    // A failed open is not kept: the next call tries again.
    current.catch(() => this.#forget(current));
    const db = await current;
    try {
      return await transact(db, stores, mode, this.#durability, body);
    } catch (error) {
      // IndexedDB raises InvalidStateError on a connection that is gone (closed, or closing).
      if (errorName(error) === 'InvalidStateError' || this.#db !== current) {
        this.#forget(current);
        if (retry && !this.#closed) return this.run(stores, mode, body, false);
      }
      throw this.#closed ? new ClosedError('the store is closed') : toStorageError(error);
    }
  }

  /** Close the connection; later calls throw `ClosedError`. */
  async close(): Promise<void> {
    this.#closed = true;
    // Kept as it is: a closed connection runs nothing more (`run` refuses first).
    (await this.#db?.catch(() => undefined))?.close();
  }

  get closed(): boolean {
    return this.#closed;
  }
}
