// Page of the client benchmarks: runs the measured loops in the browser and returns raw
// timings (ms) to Node, which computes the figures. Each loop interleaves Tidelog and its
// raw baseline so both see the same machine load.
import { type Envelope, loadAggregate, MemoryEventStore } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { wrap } from 'comlink';
import { produce } from 'immer';
import { Counter } from '../test-fixtures.js';
import { connectTidelog } from '../worker/index.js';

type Raw = { put(count: number): Promise<number> };

async function connect() {
  const client = await connectTidelog({ name: 'bench', url: '/worker.js', aggregates: [Counter] });
  const raw = wrap<Raw>(new SharedWorker('/worker.js', { type: 'module', name: 'raw' }).port);
  return { client, raw };
}

async function commands(iterations: number, warmup: number, size: number) {
  const { client, raw } = await connect();
  const tidelog: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = performance.now();
    if (size === 1) await client.execute(Counter, 'bench-1', 'increment', { by: 1 });
    else await client.execute(Counter, 'bench-1', 'incrementMany', { times: size });
    const t1 = performance.now();
    await raw.put(size);
    const t2 = performance.now();
    if (i >= warmup) {
      tidelog.push(t1 - t0);
      baseline.push(t2 - t1);
    }
  }
  const check = await client.load(Counter, 'bench-1');
  return { tidelog, baseline, version: check.version, storage: client.storage };
}

async function fill(name: string, streamId: string, total: number) {
  const store = await openIdbEventStore({ name });
  for (let v = 0; v < total; v += 1000) {
    const batch = Array.from({ length: Math.min(1000, total - v) }, () => ({
      type: 'Incremented',
      data: { by: 1 },
    }));
    await store.appendToStream(streamId, batch);
  }
  return store;
}

/**
 * The baseline's database: the store's events as a hand-written app keeps them, one record
 * per event under `[streamId, version]` (the store's own database keeps them in chunks).
 */
async function fillRaw(name: string, events: readonly Envelope[]): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () =>
      open.result.createObjectStore('events', { keyPath: ['streamId', 'version'] });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('events', 'readwrite');
    for (const e of events) tx.objectStore('events').put(e);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  db.close();
}

function rawGetAll(name: string, streamId: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      const db = open.result;
      const req = db
        .transaction('events', 'readonly')
        .objectStore('events')
        .getAll(IDBKeyRange.bound([streamId, 1], [streamId, Number.MAX_SAFE_INTEGER]));
      req.onsuccess = () => {
        db.close();
        resolve(req.result);
      };
      req.onerror = () => reject(req.error);
    };
    open.onerror = () => reject(open.error);
  });
}

/**
 * A cold load of a `events`-event stream, `rounds` times, three ways in turn: through the
 * runtime as an app calls it (page → SharedWorker → runtime `load` → state back), with
 * `loadAggregate` on a store in the page, and raw (getAll + one produce, in the page).
 */
async function load(events: number, rounds: number) {
  const store = await fill('load-bench', 'big-1', events);
  await fillRaw('load-raw', await store.readStream('big-1'));
  const client = await connectTidelog({ name: 'load', url: '/worker.js', aggregates: [Counter] });
  const runtime: number[] = [];
  const inPage: number[] = [];
  const baseline: number[] = [];
  let checksum = 0;
  for (let i = 0; i < rounds + 2; i++) {
    const t0 = performance.now();
    const viaRuntime = await client.load(Counter, 'big-1');
    const t1 = performance.now();
    const loaded = await loadAggregate(store, Counter, 'big-1');
    const t2 = performance.now();
    const rows = (await rawGetAll('load-raw', 'big-1')) as { type: string; data: { by: number } }[];
    const state = produce({ count: 0 }, (draft) => {
      for (const e of rows) if (e.type === 'Incremented') draft.count += e.data.by;
    });
    const t3 = performance.now();
    checksum = viaRuntime.state.count + loaded.state.count + state.count;
    if (i >= 2) {
      runtime.push(t1 - t0);
      inPage.push(t2 - t1);
      baseline.push(t3 - t2);
    }
  }
  await client.close();
  await store.close();
  return { runtime, inPage, baseline, checksum };
}

/** Loads of a `events`-event stream with a snapshot near its end: in the page and through the runtime. */
async function snapshotLoad(events: number, rounds: number) {
  const store = await fill('load-bench', 'huge-1', events);
  await loadAggregate(store, Counter, 'huge-1', { snapshotPolicy: { every: 1000 } });
  const client = await connectTidelog({ name: 'load', url: '/worker.js', aggregates: [Counter] });
  const times: number[] = [];
  const runtime: number[] = [];
  let version = 0;
  let count = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const loaded = await loadAggregate(store, Counter, 'huge-1');
    times.push(performance.now() - t0);
    // Untimed: let the worker drop the state it cached (idleTimeoutMs 0), so this is cold.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const t1 = performance.now();
    const viaRuntime = await client.load(Counter, 'huge-1');
    runtime.push(performance.now() - t1);
    version = loaded.fromSnapshot;
    count = viaRuntime.state.count;
  }
  await client.close();
  await store.close();
  return { times, runtime, fromSnapshot: version, count };
}

const api = { commands, load, snapshotLoad, memoryCheck: () => new MemoryEventStore().kind };
(window as unknown as { bench: typeof api }).bench = api;
export type BenchApi = typeof api;
