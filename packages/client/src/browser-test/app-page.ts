// The page of the browser tests: connects to the runtime and offers `window.tl` to the test.
import { openIdbEventStore } from '@tidelog/idb';
import { createTidelog } from '../runtime.js';
import { Counter, Totals } from '../test-fixtures.js';
import type { AggregateSnapshot } from '../types.js';
import { connectTidelog, type TidelogClient } from '../worker/index.js';
import { Spill } from './app-process.js';

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
const letters: { id: string; code: string }[] = [];
const letterWaiters: { count: number; resolve: (seen: { id: string; code: string }[]) => void }[] = [];
let offLetters: (() => void) | undefined;
let tracked: Promise<unknown> | undefined;
let lost: { name: string; code: string | undefined } | undefined;
const lostWaiters: ((e: { name: string; code: string | undefined }) => void)[] = [];

/** What the test sees of an error that crossed the boundary. */
function described(e: unknown) {
  const err = e as Error & { code?: string; data?: unknown };
  return { name: err.name, code: err.code, data: err.data };
}

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
          processManagers: [Spill],
          store: () => openIdbEventStore({ name: 'tidelog-client-test' }),
        }),
    });
    client.onLost((e) => {
      lost = { name: e.name, code: e.code };
      for (const w of lostWaiters.splice(0)) w(lost);
    });
    return { mode: client.mode, instanceId: client.instanceId, storage: client.storage };
  },
  /** Start a command of `times` events and keep its outcome for `trackedOutcome`. */
  startTracked(streamId: string, times: number) {
    tracked = client!.execute(Counter, streamId, 'incrementMany', { times }).then(
      (r) => ({ version: r.version }),
      (e: unknown) => described(e),
    );
  },
  trackedOutcome: () => tracked,
  /** Ask the worker to close itself (every worker of the origin listening on the test channel). */
  killWorker() {
    const channel = new BroadcastChannel('tidelog-test');
    channel.postMessage('die');
    channel.close();
  },
  /** Resolves once this page is told its worker is gone. */
  waitLost() {
    if (lost) return Promise.resolve(lost);
    return new Promise<{ name: string; code: string | undefined }>((resolve) => lostWaiters.push(resolve));
  },
  /** A call made now, and how it ends. */
  async loadOutcome(streamId: string) {
    try {
      return await api.load(streamId);
    } catch (e) {
      return described(e);
    }
  },
  syncSnapshot() {
    const s = client!.sync.getSnapshot();
    return { state: s.state, code: s.lastError?.code };
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
  async decrement(streamId: string, by: number) {
    const r = await client!.execute(Counter, streamId, 'decrement', { by });
    return { version: r.version, count: r.state.count };
  },
  async decrementTooMuch(streamId: string) {
    try {
      await client!.execute(Counter, streamId, 'decrement', { by: 1_000_000 });
      return null;
    } catch (e) {
      return described(e);
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
  /** Collect the dead letters this page is told of, until `unwatchDeadLetters`. */
  watchDeadLetters() {
    offLetters?.();
    offLetters = client!.subscribeDeadLetters((l) => {
      letters.push({ id: l.id, code: l.error.code });
      for (const w of letterWaiters.filter((w) => letters.length >= w.count)) {
        letterWaiters.splice(letterWaiters.indexOf(w), 1);
        w.resolve(letters.slice(0, w.count));
      }
    });
  },
  unwatchDeadLetters() {
    offLetters?.();
    offLetters = undefined;
  },
  /** Resolves with the first `count` dead letters this page was told of. */
  waitForDeadLetters(count: number) {
    if (letters.length >= count) return Promise.resolve(letters.slice(0, count));
    return new Promise<{ id: string; code: string }[]>((resolve) => letterWaiters.push({ count, resolve }));
  },
  async deadLetters() {
    return (await client!.deadLetters()).map((l) => ({ id: l.id, code: l.error.code }));
  },
  async retryDeadLetter(id: string) {
    try {
      return { retried: await client!.retryDeadLetter(id) };
    } catch (e) {
      return described(e);
    }
  },
  clearDeadLetters: (ids?: string[]) => client!.clearDeadLetters(ids),
  liveListeners: () => client!.liveListeners(),
  settled: () => client!.settled(),
  close: () => client!.close(),
};

export type PageApi = typeof api;
(window as unknown as { tl: PageApi }).tl = api;
