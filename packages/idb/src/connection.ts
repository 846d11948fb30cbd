import { ClosedError } from '@tidelog/core';
import type { Durability } from './requests.js';
import type { StoreName } from './schema.js';
import { errorName, toStorageError } from './storage-errors.js';

/**
 * One store's connection to its database, reopened when it is lost: another tab's
 * version change (upgrade or delete) closes it, and so may the browser. It runs the
 * store's transactions, each with the store's durability. A transaction that failed
 * because the connection went away is retried once on a fresh connection; that is safe
 * because a transaction that did not commit left nothing behind.
 */
export interface Connection {
  /**
   * Run `body` in one transaction on the live connection, opening one if there is none; if
   * the connection was lost under it, run it once more on a fresh one (`retry` false: that
   * was the second run). A readwrite transaction resolves only once it has committed; if
   * `body` throws, the transaction is aborted so nothing of it is kept. `body` must await
   * nothing but requests of `tx` (IndexedDB commits a transaction as soon as it has no
   * pending requests).
   *
   * @example
   * const n = await connection.run(['meta'], 'readonly', (tx) => request(tx.objectStore('meta').count()));
   */
  run<T>(
    stores: StoreName[],
    mode: IDBTransactionMode,
    body: (tx: IDBTransaction) => Promise<T>,
    retry?: boolean,
  ): Promise<T>;
  /** Close the connection; later calls throw `ClosedError`. */
  close(): Promise<void>;
  readonly closed: boolean;
}

/**
 * Make a store's `Connection`; it opens nothing until its first `run`. State in a closure,
 * not a class: a closure's variables minify to one letter each, `this.#field` does not.
 *
 * @example
 * const connection = connect((onLost) => openDatabase({ name: 'app', factory: indexedDB, onLost }), 'relaxed');
 *
 * @param open Open a connection; `onLost` is called when that connection is gone.
 */
export function connect(
  open: (onLost: () => void) => Promise<IDBDatabase>,
  durability: Durability,
): Connection {
  let db: Promise<IDBDatabase> | undefined;
  let closed = false;
  const forget = (which: Promise<IDBDatabase>) => {
    if (db === which) db = undefined;
  };
  const run: Connection['run'] = async (stores, mode, body, retry = true) => {
    if (closed) throw new ClosedError('the store is closed');
    // `current` is set by the time the connection can be lost.
    db ??= open(() => forget(current));
    const current = db;
    // A failed open is not kept: the next call tries again.
    current.catch(() => forget(current));
    const live = await current;
    // Unset only when `transaction` itself throws (a connection that is gone).
    let tx: IDBTransaction | undefined;
    try {
      tx = live.transaction(stores, mode, { durability });
      const result = await body(tx);
      // Its end comes as a task of its own, after this microtask: the handlers are in time.
      // (`tx!`: set above, but a callback does not keep the narrowing.)
      if (mode === 'readwrite') {
        await new Promise((resolve, reject) => {
          tx!.oncomplete = resolve;
          // The spec sets `tx.error` for every abort but `abort()` (ours below is never awaited);
          // a browser that leaves it null on a teardown still gets an error to show.
          tx!.onabort = () =>
            reject(tx!.error ?? new DOMException('the transaction was aborted', 'AbortError'));
        });
      }
      return result;
    } catch (thrown) {
      try {
        tx?.abort();
      } catch {
        // Already finished or aborted: nothing more to undo.
      }
      // A request that failed (a ConstraintError, a full disk) aborted the transaction: what
      // the body awaited after it fails with an AbortError, and `tx.error` holds the cause.
      // After our own `abort()` it is null: then what the body threw is the error.
      const error = tx?.error ?? thrown;
      // IndexedDB raises InvalidStateError on a connection that is gone (closed, or closing).
      if (errorName(error) === 'InvalidStateError' || db !== current) {
        forget(current);
        if (retry && !closed) return run(stores, mode, body, false);
      }
      throw closed ? new ClosedError('the store is closed') : toStorageError(error);
    }
  };
  return {
    run,
    async close() {
      closed = true;
      // Kept as it is: a closed connection runs nothing more (`run` refuses first).
      (await db?.catch(() => undefined))?.close();
    },
    get closed() {
      return closed;
    },
  };
}
