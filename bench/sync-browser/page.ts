// Page of the sync benchmarks: runs the measured loops in Chromium and hands raw timings
// (ms) to Node. Tidelog devices are SharedWorker runtimes (one IndexedDB database each);
// the raw baselines are plain `fetch`/EventSource and one IndexedDB transaction per page.
import { connectTidelog } from '@tidelog/client/worker';
import { Counter } from './app.js';

const PUSH = (server: string, space: string) => `${server}/v1/spaces/${space}/push`;

function device(name: string, server: string, space: string, live: boolean) {
  const q = new URLSearchParams({ server, space, live: live ? '1' : '0' });
  return connectTidelog({ name, url: `/worker.js?${q}`, aggregates: [Counter] });
}

type Device = Awaited<ReturnType<typeof device>>;

/** Resolves once the device's status satisfies `ok` (checked at once, then on each change). */
function until(d: Device, ok: (s: Device['sync']['status']) => boolean): Promise<void> {
  return new Promise((resolve) => {
    let off = () => {};
    off = d.sync.subscribe((s) => {
      if (ok(s)) {
        off();
        resolve();
      }
    });
    if (ok(d.sync.getSnapshot())) {
      off();
      resolve();
    }
  });
}

/** Milliseconds on a clock shared by every page of every browser on this machine. */
const clock = () => performance.timeOrigin + performance.now();

let deviceA: { device: Device; done?: Promise<number> } | undefined;
let deviceB:
  | { device: Device; received: Promise<void>; total: number; trace: [number, number][] }
  | undefined;
/** A's states over time (shared clock), for BENCH_VERBOSE. */
let traceA: [number, string][] = [];

/**
 * sync-10k, Tidelog, device A: make `commands` commands of `size` events while paused
 * (offline). Resolves with the time the writes took.
 */
async function prepareA(server: string, space: string, round: number, commands: number, size: number) {
  const a = await device(`a-${round}`, server, space, false);
  a.sync.pause();
  const t0 = performance.now();
  for (let i = 0; i < commands; i++) await a.execute(Counter, 'c-1', 'incrementMany', { times: size });
  deviceA = { device: a };
  return { writeMs: performance.now() - t0 };
}

/** sync-10k, device B: follows the server live, its own database; waits for `total` events. */
async function prepareB(server: string, space: string, round: number, total: number) {
  const b = await device(`b-${round}`, server, space, true);
  await b.load(Counter, 'c-1');
  const trace: [number, number][] = [];
  b.sync.subscribe((s) => trace.push([clock(), s.cursor]));
  const received = until(b, (s) => s.cursor >= total);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`B did not receive ${total} events within 120 s`)), 120_000),
  );
  deviceB = { device: b, received: Promise.race([received, timeout]), total, trace };
}

/** sync-10k: A's `sync.now()` starts; resolves with the (shared-clock) start time. */
function startA(): number {
  const a = deviceA!;
  const t = clock();
  traceA = [];
  a.device.sync.subscribe((s) => traceA.push([clock(), `${s.state}:${s.pending}`]));
  a.device.sync.resume();
  a.done = a.device.sync.now().then(() => clock());
  return t;
}

/** sync-10k: once B holds every event confirmed and `load` returns them; the shared-clock time. */
async function finishB() {
  const { device: b, received, total, trace } = deviceB!;
  await received;
  const loaded = await b.load(Counter, 'c-1');
  const at = clock();
  if (loaded.version !== total || loaded.state.count !== total) {
    throw new Error(`B loaded version ${loaded.version}, count ${loaded.state.count}`);
  }
  await b.close();
  deviceB = undefined;
  return { at, trace };
}

/** sync-10k: once A's `sync.now()` resolved; its end time and what is left pending. */
async function finishA() {
  const a = deviceA!;
  const at = await a.done!;
  const pending = a.device.sync.getSnapshot().pending;
  await a.device.close();
  deviceA = undefined;
  return { at, pending, trace: traceA };
}

function openRaw(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const events = req.result.createObjectStore('events', { keyPath: ['streamId', 'version'] });
      events.createIndex('id', 'id', { unique: true });
      events.createIndex('position', 'position', { unique: true });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function envelope(streamId: string, version: number, clientId: string) {
  const id = crypto.randomUUID();
  return {
    id,
    streamId,
    version,
    type: 'Incremented',
    schemaVersion: 1,
    data: { by: 1 },
    meta: { timestamp: new Date().toISOString(), clientId, commandId: id },
  };
}

/**
 * sync-10k, raw: the same events pushed by `fetch` in requests of `pushSize`, then pulled
 * by another "page" in pages of `pullSize`, each page written in one IndexedDB transaction.
 */
async function raw10k(
  server: string,
  space: string,
  round: number,
  total: number,
  pushSize: number,
  pullSize: number,
) {
  const bodies: { clientId: string; events: ReturnType<typeof envelope>[] }[] = [];
  for (let v = 0; v < total; v += pushSize) {
    bodies.push({
      clientId: 'raw-a',
      events: Array.from({ length: pushSize }, (_, i) => envelope('c-1', v + i + 1, 'raw-a')),
    });
  }
  const db = await openRaw(`raw-b-${round}`);
  const t0 = performance.now();
  for (const body of bodies) {
    const res = await fetch(PUSH(server, space), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`raw push: ${res.status}`);
    await res.json();
  }
  const pushMs = performance.now() - t0;
  let after = 0;
  for (;;) {
    const res = await fetch(`${server}/v1/spaces/${space}/pull?after=${after}&limit=${pullSize}`);
    const page = (await res.json()) as { events: { position: number }[]; hasMore: boolean };
    const tx = db.transaction('events', 'readwrite');
    const store = tx.objectStore('events');
    for (const e of page.events) store.put(e);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    after = page.events.at(-1)?.position ?? after;
    if (!page.hasMore) break;
  }
  const totalMs = performance.now() - t0;
  db.close();
  if (after !== total) throw new Error(`raw pull ended at ${after}`);
  return { pushMs, totalMs };
}

/**
 * live-latency: `n` times, a command on A until B's subscriber sees its confirmed state, then
 * the raw way: one `fetch` push until B's EventSource gets the message.
 */
async function liveLatency(server: string, space: string, rawSpace: string, n: number, warmup: number) {
  const a = await device('live-a', server, space, true);
  const b = await device('live-b', server, space, true);
  await until(a, (s) => s.state === 'live');
  await until(b, (s) => s.state === 'live');
  let waiting: { version: number; resolve: () => void } | undefined;
  b.subscribe(Counter, 'live-1', (s) => {
    if (waiting && s.version >= waiting.version) waiting.resolve();
  });
  const source = new EventSource(`${server}/v1/spaces/${rawSpace}/subscribe?after=0`);
  let rawWaiting: { id: string; resolve: () => void } | undefined;
  source.addEventListener('events', (m) => {
    if (rawWaiting && (m as MessageEvent<string>).data.includes(rawWaiting.id)) rawWaiting.resolve();
  });
  await new Promise<void>((resolve) => source.addEventListener('open', () => resolve(), { once: true }));
  const tidelog: number[] = [];
  const raw: number[] = [];
  for (let i = 1; i <= warmup + n; i++) {
    const seen = new Promise<void>((resolve) => {
      waiting = { version: i, resolve };
    });
    const t0 = performance.now();
    await a.execute(Counter, 'live-1', 'increment', { by: 1 });
    await seen;
    const t1 = performance.now();
    const e = envelope('live-1', i, 'raw-a');
    const rawSeen = new Promise<void>((resolve) => {
      rawWaiting = { id: e.id, resolve };
    });
    const t2 = performance.now();
    const res = await fetch(PUSH(server, rawSpace), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'raw-a', events: [e] }),
    });
    if (!res.ok) throw new Error(`raw push: ${res.status}`);
    await res.json();
    await rawSeen;
    const t3 = performance.now();
    if (i > warmup) {
      tidelog.push(t1 - t0);
      raw.push(t3 - t2);
    }
  }
  source.close();
  await a.close();
  await b.close();
  return { tidelog, raw };
}

(window as unknown as { bench: unknown }).bench = {
  prepareA,
  prepareB,
  startA,
  finishB,
  finishA,
  raw10k,
  liveLatency,
};
export type SyncBenchApi = {
  prepareA: typeof prepareA;
  prepareB: typeof prepareB;
  startA: typeof startA;
  finishB: typeof finishB;
  finishA: typeof finishA;
  raw10k: typeof raw10k;
  liveLatency: typeof liveLatency;
};
