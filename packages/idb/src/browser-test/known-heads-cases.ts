// Cases for appends at a known place (src/known-heads.ts): two store instances on one
// database (two tabs), stale knowledge, constraint failures. Plain async functions that
// throw, so the same cases run on fake-indexeddb (known-heads.test.ts) and in headless
// Chromium (idb-store.browser.test.ts).
import { type AppendEvent, type OutboxEntry, uuidv7 } from '@tidelog/core';
import { check, equal, rejects } from '@tidelog/core/testing';
import type { IdbEventStore } from '../idb-event-store.js';

export type OpenStore = (name: string) => Promise<IdbEventStore>;

export interface KnownHeadsCase {
  name: string;
  run(open: OpenStore): Promise<void>;
}

const batch = (n: number, tag = 'E'): AppendEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type: tag, data: { i } }));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
let dbs = 0;

/** Open `count` stores on one fresh database, run `body`, close them. */
async function withStores(open: OpenStore, count: number, body: (s: IdbEventStore[]) => Promise<void>) {
  const name = `known-heads-${Date.now()}-${dbs++}`;
  const stores: IdbEventStore[] = [];
  for (let i = 0; i < count; i++) stores.push(await open(name));
  try {
    await body(stores);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

/** Count the read requests (gets and cursors) issued on any object store or index during `fn`. */
async function countReads(fn: () => Promise<unknown>): Promise<number> {
  let reads = 0;
  const restore: (() => void)[] = [];
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Record<
    string,
    unknown
  >[]) {
    for (const method of ['get', 'getKey', 'getAll', 'getAllKeys', 'openCursor', 'openKeyCursor', 'count']) {
      const original = proto[method] as (...args: unknown[]) => unknown;
      proto[method] = function (this: unknown, ...args: unknown[]) {
        reads++;
        return original.apply(this, args);
      };
      restore.push(() => {
        proto[method] = original;
      });
    }
  }
  try {
    await fn();
  } finally {
    for (const r of restore) r();
  }
  return reads;
}

async function checkGapless(store: IdbEventStore, streams: Record<string, number>, head: number) {
  for (const [streamId, version] of Object.entries(streams)) {
    equal(
      (await store.readStream(streamId)).map((e) => e.version),
      range(version),
      `versions of ${streamId}`,
    );
  }
  const all = await store.readAll();
  equal(
    all.map((e) => e.position),
    range(head),
    'positions',
  );
  equal(new Set(all.map((e) => e.id)).size, head, 'distinct ids');
}

const outboxEntry = (streamId: string, eventIds: string[]): OutboxEntry => ({
  commandId: uuidv7(),
  aggregateType: 'probe',
  streamId,
  command: 'probe',
  payload: {},
  baseVersion: 0,
  eventIds,
  timestamp: new Date().toISOString(),
  metadata: {},
});

export const knownHeadsCases: KnownHeadsCase[] = [
  {
    name: 'an append where the store knows the version and the head issues no reads',
    run: (open) =>
      withStores(open, 1, async ([a]) => {
        await a!.appendToStream('s', batch(2));
        let r = await a!.appendToStream('s', batch(1));
        const reads = await countReads(async () => {
          r = await a!.appendToStream('s', batch(2), { expectedVersion: 3 });
        });
        equal(reads, 0, 'reads issued by the append');
        equal([r.fromVersion, r.toVersion, r.fromPosition, r.toPosition], [4, 5, 4, 5], 'result');
        // A new stream needs nothing known about it for 'no_stream'.
        const fresh = await countReads(() =>
          a!.appendToStream('t', batch(1), { expectedVersion: 'no_stream' }),
        );
        equal(fresh, 0, "reads issued by a 'no_stream' append");
        await checkGapless(a!, { s: 5, t: 1 }, 6);
      }),
  },
  {
    name: 'a second writer makes the known place stale: the append lands after its events',
    run: (open) =>
      withStores(open, 2, async ([a, b]) => {
        await a!.appendToStream('s', batch(1));
        await a!.appendToStream('s', batch(1));
        await b!.appendToStream('s', batch(2));
        await b!.appendToStream('other', batch(3));
        const r = await a!.appendToStream('s', batch(2));
        equal([r.fromVersion, r.toVersion, r.fromPosition, r.toPosition], [5, 6, 8, 9], 'result');
        equal(
          r.events.map((e) => [e.version, e.position]),
          [
            [5, 8],
            [6, 9],
          ],
          'result events',
        );
        // Only the head is stale (another stream was written): the next free position.
        await b!.appendToStream('other', batch(1));
        const next = await a!.appendToStream('s', batch(1));
        equal([next.toVersion, next.toPosition], [7, 11], 'after a stale head');
        await checkGapless(b!, { s: 7, other: 4 }, 11);
      }),
  },
  {
    name: 'a stale known version with an expected version is a real conflict, and nothing is written',
    run: (open) =>
      withStores(open, 2, async ([a, b]) => {
        await a!.appendToStream('s', batch(1));
        await a!.appendToStream('s', batch(1));
        await b!.appendToStream('s', batch(1));
        const error = await rejects(
          () => a!.appendToStream('s', batch(2), { expectedVersion: 2 }),
          'VERSION_CONFLICT',
          'stale expected version',
        );
        equal([error.expectedVersion, error.actualVersion], [2, 3], 'conflict fields');
        await rejects(
          () => a!.appendToStream('s', batch(1), { expectedVersion: 'no_stream' }),
          'VERSION_CONFLICT',
          'no_stream on an existing stream',
        );
        await checkGapless(a!, { s: 3 }, 3);
        const r = await a!.appendToStream('s', batch(1), { expectedVersion: 3 });
        equal([r.toVersion, r.toPosition], [4, 4], 'after the conflict');
      }),
  },
  {
    name: 'a constraint failure on a later event of a batch keeps nothing of the batch',
    run: (open) =>
      withStores(open, 2, async ([a, b]) => {
        await a!.appendToStream('s', batch(1));
        await a!.appendToStream('s', batch(1));
        const taken = uuidv7();
        await b!.appendToStream('t', [{ id: taken, type: 'T', data: {} }]);
        await a!.head();
        const fresh = uuidv7();
        // Written at a known place: the first add succeeds, the second hits the unique id
        // index, and the whole transaction must go.
        await rejects(
          () =>
            a!.appendToStream('s', [
              { id: fresh, type: 'E', data: { i: 9 } },
              { id: taken, type: 'E', data: { i: 10 } },
            ]),
          'DUPLICATE_EVENT',
          'reused id',
        );
        equal((await a!.readStream('s')).length, 2, 'events of s');
        equal(await a!.head(), 3, 'head');
        const r = await a!.appendToStream('s', [{ id: fresh, type: 'E', data: { i: 9 } }]);
        equal([r.toVersion, r.toPosition], [3, 4], 'the first event alone, later');
        await checkGapless(b!, { s: 3, t: 1 }, 4);
      }),
  },
  {
    name: 'a repeated append through a known place answers with the original result',
    run: (open) =>
      withStores(open, 1, async ([a]) => {
        const events = [
          { id: uuidv7(), type: 'E', data: { i: 1 } },
          { id: uuidv7(), type: 'E', data: { i: 2 } },
        ];
        await a!.appendToStream('s', batch(1));
        const first = await a!.appendToStream('s', events);
        const again = await a!.appendToStream('s', events);
        equal(again, first, 'repeat result');
        await checkGapless(a!, { s: 3 }, 3);
      }),
  },
  {
    name: 'a pending event another writer drops does not count as a known version (no gap)',
    run: (open) =>
      withStores(open, 2, async ([a, b]) => {
        await a!.appendToStream('s', batch(2));
        const pending = [{ id: uuidv7(), type: 'P', data: {} }];
        await b!.appendPending('s', pending, { command: outboxEntry('s', [pending[0]!.id]) });
        equal(
          (await a!.readStream('s')).map((e) => [e.version, e.position ?? null]),
          [
            [1, 1],
            [2, 2],
            [3, null],
          ],
          'a sees the pending top',
        );
        equal((await b!.takePending('s')).length, 1, 'entries taken');
        const r = await a!.appendToStream('s', batch(1));
        equal([r.toVersion, r.toPosition], [3, 3], 'next append');
        await checkGapless(a!, { s: 3 }, 3);
      }),
  },
  {
    name: 'two writers taking turns on shared and own streams stay gapless',
    run: (open) =>
      withStores(open, 2, async ([a, b]) => {
        const expected: Record<string, number> = { shared: 0, a: 0, b: 0 };
        let head = 0;
        for (let i = 0; i < 30; i++) {
          const [store, own] = i % 3 === 0 ? [b!, 'b'] : [a!, 'a'];
          const streamId = i % 2 === 0 ? 'shared' : own;
          const size = 1 + (i % 3);
          const r = await store.appendToStream(streamId, batch(size));
          equal(
            [r.fromVersion, r.toVersion, r.fromPosition, r.toPosition],
            [expected[streamId]! + 1, expected[streamId]! + size, head + 1, head + size],
            `append ${i}`,
          );
          expected[streamId]! += size;
          head += size;
        }
        // And at the same time: IndexedDB runs the transactions one after another.
        await Promise.all(range(20).map((i) => (i % 2 ? a! : b!).appendToStream('shared', batch(2))));
        expected.shared! += 40;
        await checkGapless(a!, expected, head + 40);
        check((await b!.streamVersion('shared')) === expected.shared, 'streamVersion');
      }),
  },
];
