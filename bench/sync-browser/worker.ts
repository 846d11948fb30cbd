// SharedWorker of the sync benchmarks: one device = one worker name = one IndexedDB
// database, syncing with the server and space given in the script's query string.
import { createTidelog } from '@tidelog/client';
import { serveTidelog } from '@tidelog/client/worker';
import { openIdbEventStore } from '@tidelog/idb';
import { Counter } from './app.js';

const scope = globalThis as unknown as { name: string; location: Location };
const params = new URL(scope.location.href).searchParams;

serveTidelog(() =>
  createTidelog({
    aggregates: [Counter],
    store: () => openIdbEventStore({ name: `device-${scope.name}` }),
    sync: { url: params.get('server')!, space: params.get('space')!, live: params.get('live') !== '0' },
  }),
);
