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
