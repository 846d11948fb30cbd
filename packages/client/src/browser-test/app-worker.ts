// The worker of the browser tests: one runtime on IndexedDB, served to every tab.
import { openIdbEventStore } from '@tidelog/idb';
import { createTidelog } from '../runtime.js';
import { Counter, Totals } from '../test-fixtures.js';
import { serveTidelog } from '../worker/index.js';
import { Spill } from './app-process.js';

serveTidelog(() =>
  createTidelog({
    aggregates: [Counter],
    projections: [Totals],
    processManagers: [Spill],
    store: () => openIdbEventStore({ name: 'tidelog-client-test' }),
  }),
);

// Test hook: a page asks the worker to die, as a crash or the browser stopping it would.
new BroadcastChannel('tidelog-test').addEventListener('message', (event) => {
  if (event.data === 'die') (globalThis as unknown as { close(): void }).close();
});
