// Worker of the client benchmarks. Named 'raw': the raw baseline (comlink + one native
// IndexedDB transaction, same record layout as @tidelog/idb). Named 'load': the runtime
// on the load benchmarks' database. Otherwise: the runtime on the 'bench' database.
import { openIdbEventStore } from '@tidelog/idb';
import { expose } from 'comlink';
import { createTidelog } from '../runtime.js';
import { Counter } from '../test-fixtures.js';
import { serveTidelog } from '../worker/index.js';

const scope = globalThis as unknown as {
  name: string;
  addEventListener(t: 'connect', l: (e: MessageEvent) => void): void;
};

function openRaw(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open('raw-bench', 1);
    req.onupgradeneeded = () => {
      const events = req.result.createObjectStore('events', { keyPath: ['streamId', 'version'] });
      events.createIndex('id', 'id', { unique: true });
      events.createIndex('position', 'position', { unique: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let version = 0;
const record = () => {
  version++;
  const id = crypto.randomUUID();
  return {
    id,
    streamId: 'raw-1',
    version,
    type: 'Incremented',
    schemaVersion: 1,
    data: { by: 1 },
    meta: {
      timestamp: new Date().toISOString(),
      clientId: 'raw',
      commandId: id,
      correlationId: id,
      causationId: id,
    },
    position: version,
  };
};

if (scope.name === 'raw') {
  const db = openRaw();
  const put = async (count: number) => {
    const tx = (await db).transaction('events', 'readwrite', { durability: 'relaxed' });
    const store = tx.objectStore('events');
    for (let i = 0; i < count; i++) store.put(record());
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    return version;
  };
  scope.addEventListener('connect', (event) => expose({ put }, event.ports[0]));
} else if (scope.name === 'load') {
  // load-10k through the runtime. idleTimeoutMs 0: a state is dropped as soon as the load
  // that read it is done, so every round is a cold load, as an app's first load of an
  // aggregate is (default options otherwise: no snapshotEvery, so nothing is written).
  serveTidelog(() =>
    createTidelog({
      aggregates: [Counter],
      idleTimeoutMs: 0,
      store: () => openIdbEventStore({ name: 'load-bench' }),
    }),
  );
} else {
  serveTidelog(() =>
    createTidelog({ aggregates: [Counter], store: () => openIdbEventStore({ name: 'bench' }) }),
  );
}
