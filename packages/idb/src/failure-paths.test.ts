import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { openIdbEventStore } from './open-idb-event-store.js';
import { FORMAT_VERSION } from './schema.js';

const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'E', data: { i } }));
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string; name?: string }) => e.code ?? e.name,
  );

/** A factory whose databases report what they open, so a test can act on a connection. */
function watchedFactory() {
  const inner = new IDBFactory();
  const connections: IDBDatabase[] = [];
  const factory = Object.create(inner) as IDBFactory;
  factory.open = (name: string, version?: number) => {
    const request = inner.open(name, version);
    request.addEventListener('success', () => connections.push(request.result));
    return request;
  };
  return { factory, inner, connections };
}

describe('when IndexedDB cannot be used', () => {
  it('no IndexedDB at all is a StorageUnavailableError', async () => {
    expect(await code(openIdbEventStore({ name: 'x', indexedDB: undefined }))).toBe('STORAGE_UNAVAILABLE');
  });

  it('a factory without the IndexedDB classes as globals is a StorageUnavailableError', async () => {
    // Node with fake-indexeddb's factory alone: the store reads through the global
    // IDBKeyRange, so it says at open that it cannot run, and writes nothing.
    const scope = globalThis as { IDBKeyRange?: unknown };
    const saved = scope.IDBKeyRange;
    const factory = new IDBFactory();
    delete scope.IDBKeyRange;
    try {
      expect(await code(openIdbEventStore({ name: 'x', indexedDB: factory }))).toBe('STORAGE_UNAVAILABLE');
    } finally {
      scope.IDBKeyRange = saved;
    }
    expect(await factory.databases()).toEqual([]);
  });

  it('open throwing (sandboxed or opaque origin) is a StorageUnavailableError', async () => {
    const refusing = {
      open() {
        throw new DOMException(
          'access to the Indexed Database API is denied in this context',
          'SecurityError',
        );
      },
    } as unknown as IDBFactory;
    expect(await code(openIdbEventStore({ name: 'x', indexedDB: refusing }))).toBe('STORAGE_UNAVAILABLE');
  });

  it('an open request that fails (private mode) is a StorageUnavailableError', async () => {
    // Firefox private windows used to fail the open request itself with InvalidStateError.
    const privateMode = {
      open() {
        const request: { error: DOMException; onerror?: () => void } = {
          error: new DOMException(
            'A mutation operation was attempted on a database that did not allow mutations.',
            'InvalidStateError',
          ),
        };
        queueMicrotask(() => request.onerror?.());
        return request;
      },
    } as unknown as IDBFactory;
    const err = await openIdbEventStore({ name: 'x', indexedDB: privateMode }).catch((e: Error) => e);
    expect((err as { code?: string }).code).toBe('STORAGE_UNAVAILABLE');
    expect(String(err)).toContain('InvalidStateError');
  });

  it('an upgrade blocked by another tab that keeps its old connection is a StorageUnavailableError', async () => {
    const indexedDB = new IDBFactory();
    const old = await openDatabase({ name: 'blocked', factory: indexedDB, version: 1 });
    // Old code in another tab: it ignores versionchange, so our upgrade is blocked.
    old.onversionchange = null;
    const err = await openIdbEventStore({ name: 'blocked', indexedDB, blockedTimeoutMs: 50 }).catch(
      (e: Error) => e,
    );
    expect((err as { code?: string }).code).toBe('STORAGE_UNAVAILABLE');
    expect(String(err)).toContain('blocked');
    old.close();
    // Once the other tab lets go, the store opens (the late connection was not leaked).
    const store = await openIdbEventStore({ name: 'blocked', indexedDB });
    expect(await store.head()).toBe(0);
    await store.close();
  });

  it('a database at a newer format than this code is a StorageUnavailableError', async () => {
    const indexedDB = new IDBFactory();
    const newer = await openDatabase({ name: 'future', factory: indexedDB, version: 2 });
    newer.close();
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.open('future', FORMAT_VERSION + 1);
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
      r.onerror = () => reject(r.error);
    });
    expect(await code(openIdbEventStore({ name: 'future', indexedDB }))).toBe('STORAGE_UNAVAILABLE');
  });
});

describe('when the connection goes away', () => {
  it('a connection closed under the store is reopened and the operation retried once', async () => {
    const { factory, connections } = watchedFactory();
    const store = await openIdbEventStore({ name: 'closing', indexedDB: factory });
    await store.appendToStream('s', batch(2));
    // The browser closed it (e.g. storage cleared): transaction() now throws InvalidStateError.
    for (const c of connections) c.close();
    const r = await store.appendToStream('s', batch(1), { expectedVersion: 2 });
    expect([r.toVersion, r.toPosition]).toEqual([3, 3]);
    expect(connections).toHaveLength(2);
    await store.close();
  });

  it("another tab's deleteDatabase is not blocked, and the store reopens a fresh database", async () => {
    const indexedDB = new IDBFactory();
    const store = await openIdbEventStore({ name: 'deleted', indexedDB });
    await store.appendToStream('s', batch(2));
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.deleteDatabase('deleted');
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('the store blocked the delete'));
    });
    expect(await store.head()).toBe(0);
    expect((await store.appendToStream('s', batch(1))).toVersion).toBe(1);
    await store.close();
  });

  it('a store upgraded away by a newer tab reports StorageUnavailableError instead of hanging', async () => {
    const indexedDB = new IDBFactory();
    const store = await openIdbEventStore({ name: 'upgraded', indexedDB });
    await new Promise<void>((resolve, reject) => {
      const r = indexedDB.open('upgraded', FORMAT_VERSION + 1);
      r.onsuccess = () => {
        r.result.close();
        resolve();
      };
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('the store blocked the upgrade'));
    });
    expect(await code(store.head())).toBe('STORAGE_UNAVAILABLE');
    await store.close();
  });
});

describe('when the disk is full', () => {
  it('a quota error is a StorageFullError and nothing of the batch is kept', async () => {
    const { factory, connections } = watchedFactory();
    const store = await openIdbEventStore({ name: 'full', indexedDB: factory });
    await store.appendToStream('s', batch(2));
    const db = connections[0]!;
    const transaction = db.transaction.bind(db);
    let aborted = false;
    db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
      const tx = transaction(...args);
      if (args[1] === 'readwrite') {
        // Browsers fail a too-big transaction when it commits: it aborts with QuotaExceededError.
        // Abort once the store has issued every write of the batch (it does so synchronously).
        const quota = new DOMException('quota exceeded', 'QuotaExceededError');
        Object.defineProperty(tx, 'error', { get: () => quota, set: () => {} });
        if ([...tx.objectStoreNames].includes('chunks')) {
          // A store that asks for the commit itself gets the abort right there.
          tx.commit = () => {
            aborted = true;
            tx.abort();
          };
          const events = tx.objectStore('chunks');
          for (const method of ['put', 'add'] as const) {
            const write = events[method].bind(events);
            events[method] = (...p: Parameters<IDBObjectStore['put']>) => {
              const request = write(...p);
              queueMicrotask(() => {
                if (!aborted) tx.abort();
                aborted = true;
              });
              return request;
            };
          }
        }
      }
      return tx;
    }) as IDBDatabase['transaction'];
    const err = await store.appendToStream('s', batch(100)).catch((e: Error) => e);
    expect((err as { code?: string }).code).toBe('STORAGE_FULL');
    db.transaction = transaction;
    expect(await store.streamVersion('s')).toBe(2);
    expect(await store.head()).toBe(2);
    await store.close();
  });
});

describe('two stores on one database (two tabs)', () => {
  it('concurrent appends stay gapless and expected versions are honoured across them', async () => {
    const indexedDB = new IDBFactory();
    const [a, b] = await Promise.all([
      openIdbEventStore({ name: 'tabs', indexedDB }),
      openIdbEventStore({ name: 'tabs', indexedDB }),
    ]);
    expect(a.clientId).toBe(b.clientId);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).appendToStream('shared', batch(3))),
    );
    expect((await a.readStream('shared')).map((e) => e.version)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect((await b.readAll()).map((e) => e.position)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const outcomes = await Promise.all(
      [a, b, a, b].map((s) => code(s.appendToStream('once', batch(1), { expectedVersion: 'no_stream' }))),
    );
    expect(outcomes.sort()).toEqual(['VERSION_CONFLICT', 'VERSION_CONFLICT', 'VERSION_CONFLICT', 'resolved']);
    await Promise.all([a.close(), b.close()]);
  });
});
