import type { DeadLetter } from '@tidelog/core';
import { request } from './requests.js';

// Reads and writes of the process-manager records (format 3) inside a caller's transaction.

/**
 * Dead letters in time order: the `at` index, whose ties IndexedDB orders by primary key (`id`).
 *
 * @example
 * const letters = await readDeadLetters(tx);
 */
export function readDeadLetters(tx: IDBTransaction): Promise<DeadLetter[]> {
  return request<DeadLetter[]>(tx.objectStore('deadLetters').index('at').getAll());
}

/**
 * Delete dead letters by id, or all of them; deletes are issued without awaiting each.
 *
 * @example
 * await store.run(['deadLetters'], (tx) => deleteDeadLetters(tx, ['0190…']));
 */
export async function deleteDeadLetters(tx: IDBTransaction, ids?: readonly string[]): Promise<void> {
  const store = tx.objectStore('deadLetters');
  if (!ids) return void store.clear();
  for (const id of ids) store.delete(id);
}
