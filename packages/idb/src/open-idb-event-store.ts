import { uuidv7 } from '@tidelog/core';
import { connect } from './connection.js';
import { IdbEventStore } from './idb-event-store.js';
import { openDatabase } from './open-database.js';
import { type Durability, request } from './requests.js';

/** Options of `openIdbEventStore`: the database name, and how it is opened and written. */
export interface IdbEventStoreOptions {
  /** The IndexedDB database name: one database per app (or per signed-in user). */
  name: string;
  /** The IndexedDB factory, default `globalThis.indexedDB` (tests pass fake-indexeddb's). */
  indexedDB?: IDBFactory;
  /**
   * `'relaxed'` (default): a write resolves once the browser has it; an OS crash or power
   * loss in the next moments may lose the last writes (never half of one).
   * `'strict'`: a write resolves only after it is flushed to disk; slower per write.
   */
  durability?: Durability;
  /** How long to wait for other tabs to let a format upgrade through, default 10 s. */
  blockedTimeoutMs?: number;
  /** Use this clientId for new events instead of the one stored (or minted) in meta. */
  clientId?: string;
}

/**
 * Open the IndexedDB event store: an `EventStore` plus what the client runtime needs
 * (pending events, outbox, rejected commands, snapshots, checkpoints, meta). Throws
 * `StorageUnavailableError` when IndexedDB is missing, refuses to open (private mode) or
 * an upgrade stays blocked; the runtime can then fall back to `MemoryEventStore`.
 *
 * @example
 * const store = await openIdbEventStore({ name: 'todo-app' });
 * await store.appendToStream('todo-1', [{ type: 'Added', data: { title: 'milk' } }]);
 */
export async function openIdbEventStore(options: IdbEventStoreOptions): Promise<IdbEventStore> {
  const factory = 'indexedDB' in options ? options.indexedDB : globalThis.indexedDB;
  const connection = connect(
    (onLost) => openDatabase({ ...options, factory, onLost }),
    options.durability ?? 'relaxed',
  );
  try {
    const clientId = await connection.run(['meta'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      const stored = await request(meta.get('clientId'));
      const id = options.clientId ?? (typeof stored === 'string' ? stored : uuidv7());
      // A clientId passed in is used, not stored over the one kept.
      if (stored === undefined) meta.put(id, 'clientId');
      return id;
    });
    return new IdbEventStore(connection, clientId);
  } catch (error) {
    await connection.close();
    throw error;
  }
}
