// The page of the sync browser test: connects to the syncing worker and offers `window.sync` to the test.
import { openIdbEventStore } from '@tidelog/idb';
import { createTidelog } from '../runtime.js';
import type { SyncStatus } from '../sync/host.js';
import { Counter } from '../test-fixtures.js';
import type { AggregateSnapshot } from '../types.js';
import { connectTidelog, type TidelogClient } from '../worker/index.js';

type Snapshot = AggregateSnapshot<{ count: number }>;

// `?nosw`: a browser without SharedWorker (a leader tab's dedicated Worker serves the others);
// `?inpage`: without SharedWorker and Worker, where each tab runs its own runtime.
const params = new URLSearchParams(location.search);
const g = globalThis as Record<string, unknown>;
if (params.has('nosw') || params.has('inpage')) delete g.SharedWorker;
if (params.has('inpage')) delete g.Worker;

let client: TidelogClient<typeof Counter> | undefined;
const latest = new Map<string, Snapshot>();
const waiters: { streamId: string; accept: (s: Snapshot) => boolean; resolve: (s: Snapshot) => void }[] = [];
let lost: { name: string; code: string } | undefined;

/** What the test sees of an error that crossed the boundary. */
function described(e: unknown) {
  const err = e as Error & { code?: string };
  return { error: { name: err.name, code: err.code } };
}

const brief = (s: { version: number; state: { count: number } }) => ({
  version: s.version,
  count: s.state.count,
});
const briefStatus = (s: SyncStatus) => ({
  state: s.state,
  pending: s.pending,
  rejected: s.rejected,
  cursor: s.cursor,
  head: s.head,
  code: s.lastError?.code,
});

const api = {
  async connect(server: string, space: string) {
    const query = new URLSearchParams({ server, space });
    client = await connectTidelog({
      name: 'sync-test',
      url: `/sync-worker.js?${query}`,
      aggregates: [Counter],
      createRuntime: (init) =>
        createTidelog({
          aggregates: [Counter],
          store: () => openIdbEventStore({ name: 'tidelog-sync-test' }),
          ...init,
        }),
      sync: { url: server, space },
    });
    client.onLost((e) => {
      lost = { name: e.name, code: e.code };
    });
    return { mode: client.mode, instanceId: client.instanceId, clientId: client.clientId };
  },
  async execute(streamId: string, by: number) {
    try {
      return brief(await client!.execute(Counter, streamId, 'increment', { by }));
    } catch (e) {
      return described(e);
    }
  },
  async decrement(streamId: string, by: number) {
    try {
      return brief(await client!.execute(Counter, streamId, 'decrement', { by }));
    } catch (e) {
      return described(e);
    }
  },
  async load(streamId: string) {
    try {
      return brief(await client!.load(Counter, streamId));
    } catch (e) {
      return described(e);
    }
  },
  subscribe(streamId: string) {
    client!.subscribe(Counter, streamId, (s) => {
      latest.set(streamId, s);
      for (const w of waiters.filter((w) => w.streamId === streamId && w.accept(s))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(s);
      }
    });
  },
  /** Resolves once this page's subscription on `streamId` shows `version` and `count`. */
  async waitFor(streamId: string, version: number, count: number) {
    const accept = (s: Snapshot) => s.version === version && s.state.count === count;
    const s = latest.get(streamId);
    if (s && accept(s)) return brief(s);
    return brief(await new Promise<Snapshot>((resolve) => waiters.push({ streamId, accept, resolve })));
  },
  async syncNow() {
    try {
      return briefStatus(await client!.sync.now());
    } catch (e) {
      return described(e);
    }
  },
  syncStatus: () => briefStatus(client!.sync.getSnapshot()),
  /** Resolves with the status once it shows every field of `want` (through a sync subscription). */
  waitStatus(want: Partial<Record<'state' | 'pending' | 'rejected' | 'cursor' | 'head', string | number>>) {
    return new Promise<ReturnType<typeof briefStatus>>((resolve) => {
      const matches = (s: SyncStatus) =>
        Object.entries(want).every(([k, v]) => (s as unknown as Record<string, unknown>)[k] === v);
      const off = client!.sync.subscribe((s) => {
        if (!matches(s)) return;
        off();
        resolve(briefStatus(s));
      });
      const now = client!.sync.getSnapshot();
      if (matches(now)) {
        off();
        resolve(briefStatus(now));
      }
    });
  },
  async rejected() {
    return (await client!.rejected()).map((r) => ({
      command: r.entry.command,
      payload: r.entry.payload,
      code: r.error.code,
    }));
  },
  settled: () => client!.settled(),
  killWorker() {
    const channel = new BroadcastChannel('tidelog-test');
    channel.postMessage('die');
    channel.close();
  },
  lost: () => lost,
};

export type SyncPageApi = typeof api;
(window as unknown as { sync: SyncPageApi }).sync = api;
