// The worker of the sync browser test: one runtime on IndexedDB that syncs with the server
// and space named in its URL (`/sync-worker.js?server=…&space=…`).
import { openIdbEventStore } from '@tidelog/idb';
import { createTidelog } from '../runtime.js';
import { Counter } from '../test-fixtures.js';
import { serveTidelog } from '../worker/index.js';

const params = new URL(location.href).searchParams;

serveTidelog(
  ({ sync }) =>
    createTidelog({
      aggregates: [Counter],
      store: () => openIdbEventStore({ name: 'tidelog-sync-test' }),
      ...(sync ? { sync } : {}),
    }),
  { sync: { url: params.get('server') ?? '', space: params.get('space') ?? '' } },
);

// Test hook: a page asks the worker to die, as a crash or the browser stopping it would.
new BroadcastChannel('tidelog-test').addEventListener('message', (event) => {
  if (event.data === 'die') (globalThis as unknown as { close(): void }).close();
});
