// The page of the browser tests: connects to the runtime and offers `window.tl` to the test.
import { openIdbEventStore } from '@tidelog/idb';
import { createTidelog } from '../runtime.js';
import { Counter, Totals } from '../test-fixtures.js';
import type { AggregateSnapshot } from '../types.js';
import { connectTidelog, type TidelogClient } from '../worker/index.js';

const params = new URLSearchParams(location.search);
const g = globalThis as Record<string, unknown>;
// Simulate browsers without SharedWorker (Android Chrome) or without workers at all.
if (params.has('nosw')) delete g.SharedWorker;
if (params.has('noworker')) delete g.Worker;

let client: TidelogClient<typeof Counter> | undefined;
const latest = new Map<string, AggregateSnapshot<{ count: number }>>();
const waiters: {
  streamId: string;
  version: number;
  resolve: (s: AggregateSnapshot<{ count: number }>) => void;
}[] = [];
const offs = new Map<string, () => void>();

const api = {
  async connect() {
    client = await connectTidelog({
      name: 'test',
      url: '/worker.js',
      aggregates: [Counter],
      createRuntime: () =>
        createTidelog({
          aggregates: [Counter],
          projections: [Totals],
          store: () => openIdbEventStore({ name: 'tidelog-client-test' }),
        }),
    });
    return { mode: client.mode, instanceId: client.instanceId, storage: client.storage };
  },
  mode: () => client!.mode,
  async execute(streamId: string, by: number) {
    const r = await client!.execute(Counter, streamId, 'increment', { by });
    return { version: r.version, count: r.state.count };
  },
  /** Start a command that appends `times` events, without waiting for it. */
  startBig(streamId: string, times: number) {
    void client!.execute(Counter, streamId, 'incrementMany', { times }).catch(() => undefined);
  },
  async decrementTooMuch(streamId: string) {
    try {
      await client!.execute(Counter, streamId, 'decrement', { by: 1_000_000 });
      return null;
    } catch (e) {
      const err = e as Error & { code?: string; data?: unknown };
      return { name: err.name, code: err.code, data: err.data };
    }
  },
  subscribe(streamId: string) {
    offs.set(
      streamId,
      client!.subscribe(Counter, streamId, (s) => {
        latest.set(streamId, s);
        for (const w of waiters.filter((w) => w.streamId === streamId && s.version >= w.version)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(s);
        }
      }),
    );
  },
  unsubscribe(streamId: string) {
    offs.get(streamId)?.();
    offs.delete(streamId);
  },
  /** Resolves once the subscription on `streamId` has seen `version`. */
  waitForVersion(streamId: string, version: number) {
    const s = latest.get(streamId);
    if (s && s.version >= version) return Promise.resolve(s);
    return new Promise<AggregateSnapshot<{ count: number }>>((resolve) =>
      waiters.push({ streamId, version, resolve }),
    );
  },
  async load(streamId: string) {
    const s = await client!.load(Counter, streamId);
    return { version: s.version, count: s.state.count };
  },
  liveListeners: () => client!.liveListeners(),
  settled: () => client!.settled(),
  close: () => client!.close(),
};

export type PageApi = typeof api;
(window as unknown as { tl: PageApi }).tl = api;
