// The page of the process-manager browser test: an in-page runtime on real IndexedDB, with
// barriers (from the URL) where a reload cuts it off. Offers `window.pm` to the test.
import type { LocalEventStore } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { barrier, intercept, unannounced } from '../process/process-test-stores.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import { Counter, Mirror, Reserve } from '../test-fixtures.js';

const params = new URLSearchParams(location.search);
const checkpointWrite = barrier();
let runtime: Tidelog<typeof Counter> | undefined;

/** `?hold`: commits are never announced; `?crash`: checkpoint writes never happen. */
function withBarriers(store: LocalEventStore): LocalEventStore {
  if (params.has('hold')) return unannounced(store);
  if (params.has('crash')) {
    return intercept(store, {
      putProcessCheckpoint: async () => {
        await checkpointWrite.wait();
        throw new Error('unreachable: the page is reloaded at the barrier');
      },
    });
  }
  return store;
}

const api = {
  async start() {
    const store = await openIdbEventStore({ name: 'tidelog-process-test' });
    runtime = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror, Reserve],
      store: withBarriers(store),
    });
    await runtime.settled();
    return { storage: runtime.storage };
  },
  async execute(streamId: string, by: number) {
    return (await runtime!.execute(Counter, streamId, 'increment', { by })).version;
  },
  /** Resolves when a process manager is about to save its checkpoint (`?crash`). */
  checkpointReached: () => checkpointWrite.reached,
  settled: () => runtime!.settled(),
  async stream(streamId: string) {
    const events = await runtime!.store.readStream(streamId);
    const loaded = await runtime!.load(Counter, streamId);
    return { version: loaded.version, count: loaded.state.count, types: events.map((e) => e.type) };
  },
  async deadLetters() {
    return (await runtime!.deadLetters()).map((l) => l.error.code);
  },
};

export type ProcessPageApi = typeof api;
(window as unknown as { pm: ProcessPageApi }).pm = api;
