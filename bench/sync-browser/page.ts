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

let deviceA: { device: Device; done?: Promise<{ at: number; pending: number }> } | undefined;
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
    setTimeout(
      () =>
        reject(
          new Error(
            `B did not receive ${total} events within 120 s: ${JSON.stringify(b.sync.getSnapshot())}, trace ${JSON.stringify(trace.slice(-8))}; A here: ${JSON.stringify(deviceA?.device.sync.getSnapshot())}, ${JSON.stringify(traceA.slice(-8))}`,
          ),
        ),
      120_000,
    ),
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
  // The status now() answers with is the worker's when it resolved; the page's pushed status
  // (getSnapshot) travels on another channel and may still be one push behind.
  a.done = a.device.sync.now().then((s) => ({ at: clock(), pending: s.pending }));
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
  const { at, pending } = await a.done!;
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

let liveA: Device | undefined;
let liveB: { device: Device; source: EventSource } | undefined;
/** When B saw each version of the stream, and the raw EventSource each event id (shared clock). */
const seenVersion = new Map<number, number>();
const seenId = new Map<string, number>();
const watchers = new Set<() => void>();
const wake = () => {
  for (const w of watchers) w();
};
function whenSeen<K>(map: Map<K, number>, key: K): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      const at = map.get(key);
      if (at === undefined) return;
      watchers.delete(check);
      resolve(at);
    };
    watchers.add(check);
    check();
  });
}

/**
 * live-latency: open this page's device. `a`: the writer, following live. `b`: the reader,
 * following live with a subscriber on the stream, and an `EventSource` on the raw space;
 * each notes when it saw what, on the shared clock.
 */
async function liveOpen(server: string, space: string, rawSpace: string, role: 'a' | 'b') {
  const d = await device(`${space}-${role}`, server, space, true);
  await until(d, (s) => s.state === 'live');
  if (role === 'a') {
    liveA = d;
    return;
  }
  seenVersion.clear();
  seenId.clear();
  d.subscribe(Counter, 'live-1', (s) => {
    const at = clock();
    for (let v = s.version; v > 0 && !seenVersion.has(v); v--) seenVersion.set(v, at);
    wake();
  });
  const source = new EventSource(`${server}/v1/spaces/${rawSpace}/subscribe?after=0`);
  source.addEventListener('events', (m) => {
    const at = clock();
    for (const e of JSON.parse((m as MessageEvent<string>).data).events as { id: string }[])
      seenId.set(e.id, at);
    wake();
  });
  await new Promise<void>((resolve) => source.addEventListener('open', () => resolve(), { once: true }));
  liveB = { device: d, source };
}

/** live-latency, A: one command; its start time on the shared clock. */
async function liveCommand(): Promise<number> {
  const t = clock();
  await liveA!.execute(Counter, 'live-1', 'increment', { by: 1 });
  return t;
}

/** live-latency, B: when B's subscriber saw `version`. */
function liveSeen(version: number): Promise<number> {
  return whenSeen(seenVersion, version);
}

/** live-latency, raw, A's side: one `fetch` push of one event; its start time and the event's id. */
async function rawPush(server: string, rawSpace: string, version: number) {
  const e = envelope('live-1', version, 'raw-a');
  const t = clock();
  const res = await fetch(PUSH(server, rawSpace), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'raw-a', events: [e] }),
  });
  if (!res.ok) throw new Error(`raw push: ${res.status}`);
  await res.json();
  return { t, id: e.id };
}

/** live-latency, raw, B's side: when B's EventSource got the event. */
function rawSeen(id: string): Promise<number> {
  return whenSeen(seenId, id);
}

/** This page's shared clock, for the offset between two browsers. */
function now(): number {
  return clock();
}

async function liveClose() {
  liveB?.source.close();
  await liveB?.device.close();
  await liveA?.close();
  liveA = undefined;
  liveB = undefined;
}

(window as unknown as { bench: unknown }).bench = {
  prepareA,
  prepareB,
  startA,
  finishB,
  finishA,
  raw10k,
  liveOpen,
  liveCommand,
  liveSeen,
  rawPush,
  rawSeen,
  now,
  liveClose,
};
export type SyncBenchApi = {
  prepareA: typeof prepareA;
  prepareB: typeof prepareB;
  startA: typeof startA;
  finishB: typeof finishB;
  finishA: typeof finishA;
  raw10k: typeof raw10k;
  liveOpen: typeof liveOpen;
  liveCommand: typeof liveCommand;
  liveSeen: typeof liveSeen;
  rawPush: typeof rawPush;
  rawSeen: typeof rawSeen;
  now: typeof now;
  liveClose: typeof liveClose;
};
