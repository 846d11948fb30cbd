import type { StoreName } from './schema.js';

/**
 * Await one IndexedDB request. Promises are made only for requests that are awaited: an
 * unawaited failing request must abort its transaction, not raise an unhandled rejection.
 *
 * @example
 * const record = await request(store.get(key));
 */
export function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * The last key of a source within a range (the highest version of a stream, the highest
 * position), read with one reverse key cursor.
 *
 * @example
 * const head = (await lastKey(events.index('position'), null)) ?? 0;
 */
export async function lastKey(
  source: IDBObjectStore | IDBIndex,
  range: IDBKeyRange | null,
): Promise<IDBValidKey | undefined> {
  return (await request(source.openKeyCursor(range, 'prev')))?.key;
}

/**
 * When a write resolves: `'relaxed'` once the browser has it (survives a tab or browser
 * crash), `'strict'` once it is flushed to disk (also survives power loss).
 */
export type Durability = 'relaxed' | 'strict';

/**
 * Run `body` in one transaction. A readwrite transaction resolves only once it has
 * committed; if `body` throws, the transaction is aborted so nothing of it is kept.
 * `body` must await nothing but requests of `tx` (IndexedDB commits a transaction as soon
 * as it has no pending requests).
 *
 * @example
 * await transact(db, ['meta'], 'readwrite', 'relaxed', async (tx) => { tx.objectStore('meta').put(1, 'k'); });
 */
export async function transact<T>(
  db: IDBDatabase,
  stores: StoreName[],
  mode: IDBTransactionMode,
  durability: Durability,
  body: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, mode, { durability });
  try {
    const result = await body(tx);
    // Its end comes as a task of its own, after this microtask: the handlers are in time.
    if (mode === 'readwrite') {
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        // The spec sets `tx.error` for every abort but `abort()` (ours below is never awaited);
        // a browser that leaves it null on a teardown still gets an error to show.
        tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
      });
    }
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing more to undo.
    }
    throw error;
  }
}

/**
 * Ask a readwrite transaction to commit now that every write is issued, instead of when
 * this thread has seen each request succeed: that saves a round trip to the IndexedDB
 * backend per transaction. A write that fails still aborts the whole transaction
 * (browsers count the errors this thread has not handled yet). Browsers without
 * `commit()` (Safari < 15) commit on their own as before.
 *
 * @example
 * for (const e of envelopes) store.add(e);
 * commitNow(tx);
 */
export function commitNow(tx: IDBTransaction): void {
  (tx as { commit?: () => void }).commit?.();
}
