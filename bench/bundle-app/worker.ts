// The SharedWorker of the minimal app: the runtime on IndexedDB, syncing with a server.
import { createTidelog } from '@tidelog/client';
import { serveTidelog } from '@tidelog/client/worker';
import { openIdbEventStore } from '@tidelog/idb';
import { Todo } from './app.js';

serveTidelog(() =>
  createTidelog({
    aggregates: [Todo],
    store: () => openIdbEventStore({ name: 'todos' }),
    sync: { url: 'https://sync.example.com', space: 'team-1' },
  }),
);
