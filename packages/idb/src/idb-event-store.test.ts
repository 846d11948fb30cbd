import 'fake-indexeddb/auto';
import { runEventStoreConformance, runLocalStoreConformance } from '@tidelog/core/testing';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { openIdbEventStore } from './open-idb-event-store.js';

let n = 0;
const fresh = () => openIdbEventStore({ name: `conformance-${n++}` });

runEventStoreConformance({ name: 'IdbEventStore conformance (fake-indexeddb)', newStore: fresh });

runLocalStoreConformance({ name: 'IdbEventStore local-store conformance (fake-indexeddb)', newStore: fresh });

describe('durability', () => {
  for (const durability of ['relaxed', 'strict'] as const) {
    it(`every readwrite transaction is opened with durability '${durability}'`, async () => {
      const inner = new IDBFactory();
      const seen: string[] = [];
      const factory = Object.create(inner) as IDBFactory;
      factory.open = (name: string, version?: number) => {
        const request = inner.open(name, version);
        request.addEventListener('success', () => {
          const db = request.result;
          const transaction = db.transaction.bind(db);
          db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
            const tx = transaction(...args);
            if (tx.mode === 'readwrite') seen.push(tx.durability);
            return tx;
          }) as IDBDatabase['transaction'];
        });
        return request;
      };
      const store = await openIdbEventStore({ name: 'durable', indexedDB: factory, durability });
      await store.appendToStream('s', [{ type: 'E', data: {} }]);
      await store.setMeta('cursor', 1);
      await store.close();
      expect(seen).toEqual([durability, durability, durability]);
    });
  }
});

describe('readStream with toVersion', () => {
  it('returns the versions asked for from a stream of several chunks, reading no chunk past them (none for an empty range)', async () => {
    const store = await openIdbEventStore({ name: 'ranges', indexedDB: new IDBFactory() });
    // 1,200 events: chunks 1-500, 501-1000, 1001-1200.
    await store.appendToStream(
      's',
      Array.from({ length: 1200 }, () => ({ type: 'E', data: {} })),
    );
    const getAll = vi.spyOn(IDBIndex.prototype, 'getAll');
    const versions = async (fromVersion: number, toVersion: number) =>
      (await store.readStream('s', { fromVersion, toVersion })).map((e) => e.version);
    const span = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
    for (const [from, to] of [
      [1, 500],
      [1, 499],
      [1, 501],
      [499, 1001],
      [600, 700],
      [1000, 1000],
      [1100, 5000],
      [5, 3],
    ] as const) {
      expect(await versions(from, to)).toEqual(span(from, Math.min(to, 1200)));
    }
    // Every read of the `last` index stopped at its toVersion, not at the stream's end.
    const uppers = getAll.mock.calls.map(([range]) => (range as IDBKeyRange).upper[1]);
    expect(uppers).toEqual([500, 499, 501, 1001, 700, 1000, 5000]); // none for 5 to 3
    getAll.mockRestore();
    expect(await store.readStream('s', { fromVersion: 1150 })).toHaveLength(51);
    await store.close();
  });
});
