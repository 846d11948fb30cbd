// The page the idb benchmarks drive (bench/idb-*.bench.ts): the store and a raw
// IndexedDB baseline on the same records, in the same page, in alternating rounds.
import { type AppendEvent, type Envelope, uuidv7 } from '@tidelog/core';
import { toEnvelopes } from '@tidelog/core/store-kit';
import { openIdbEventStore } from '../open-idb-event-store.js';
import type { BenchPageApi } from './bench-api.js';

let n = 0;
const events = (size: number): AppendEvent[] =>
  Array.from({ length: size }, (_, i) => ({
    type: 'ItemAdded',
    data: { sku: `sku-${i}`, qty: i % 7, note: 'bench' },
  }));

/** The baseline layout: what a hand-written app needs for the same queries, nothing more. */
function openRaw(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(`raw-${Date.now()}-${n++}`, 1);
    r.onupgradeneeded = () => {
      const s = r.result.createObjectStore('events', { keyPath: 'id' });
      s.createIndex('stream', ['streamId', 'version'], { unique: true });
      s.createIndex('position', 'position', { unique: true });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function rawBatch(db: IDBDatabase, records: readonly Envelope[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('events', 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore('events');
    for (const r of records) store.put(r);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
}

/** Records as the store would write them: envelopes with versions and positions. */
function records(batches: number, size: number, streamId: string): Envelope[][] {
  return Array.from({ length: batches }, (_, b) =>
    toEnvelopes(streamId, events(size), b * size + 1, { clientId: 'bench' }).map((e, i) => ({
      ...e,
      position: b * size + i + 1,
    })),
  );
}

const api: BenchPageApi = {
  async append(rounds, batches, size) {
    const out = { store: [] as number[], raw: [] as number[], storeWithIds: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const store = await openIdbEventStore({ name: `store-${Date.now()}-${n++}` });
      const input = events(size);
      let t = performance.now();
      for (let b = 0; b < batches; b++) await store.appendToStream('cart-1', input);
      out.store.push(performance.now() - t);
      // As the runtime appends: ids minted by the device, so each is checked for a repeat.
      const withIds = Array.from({ length: batches }, () => input.map((e) => ({ ...e, id: uuidv7() })));
      t = performance.now();
      for (const batch of withIds) await store.appendToStream('cart-2', batch);
      out.storeWithIds.push(performance.now() - t);
      await store.close();

      const db = await openRaw();
      const prepared = records(batches, size, 'cart-1');
      t = performance.now();
      for (const batch of prepared) await rawBatch(db, batch);
      out.raw.push(performance.now() - t);
      db.close();
    }
    return out;
  },

  async read(rounds, count) {
    const store = await openIdbEventStore({ name: `store-read-${Date.now()}-${n++}` });
    for (let b = 0; b < count / 100; b++) await store.appendToStream('big', events(100));
    const db = await openRaw();
    for (const batch of records(count / 100, 100, 'big')) await rawBatch(db, batch);
    const out = { store: [] as number[], raw: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      const a = await store.readStream('big');
      out.store.push(performance.now() - t);
      t = performance.now();
      const b = await new Promise<Envelope[]>((resolve, reject) => {
        const tx = db.transaction('events', 'readonly');
        const r = tx
          .objectStore('events')
          .index('stream')
          .getAll(IDBKeyRange.bound(['big', 0], ['big', Infinity]));
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      out.raw.push(performance.now() - t);
      if (a.length !== count || b.length !== count)
        throw new Error(`read ${a.length} and ${b.length} events`);
    }
    await store.close();
    db.close();
    return out;
  },
};
window.tidelogBench = api;
