import 'fake-indexeddb/auto';
import { runEventStoreConformance, runLocalStoreConformance } from '@tidelog/core/testing';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
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
