import type { EventStore } from '../event-store.js';
import type { AppendEvent, Envelope } from '../types.js';
import { isUuid, uuidv7 } from '../uuid.js';
import { check, equal, rejects } from './assert.js';

/** One conformance case: a name, and a body that throws on failure. */
export interface StoreCase {
  name: string;
  run(newStore: () => Promise<EventStore>): Promise<void>;
}

const ev = (type: string, data: Record<string, number | string> = {}, id?: string): AppendEvent =>
  id === undefined ? { type, data } : { id, type, data };
const batch = (n: number, prefix = 'E') => Array.from({ length: n }, (_, i) => ev(`${prefix}`, { i }));

async function withStore(newStore: () => Promise<EventStore>, body: (s: EventStore) => Promise<void>) {
  const store = await newStore();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

type Body = (s: EventStore) => Promise<void>;
const c = (name: string, body: Body): StoreCase => ({ name, run: (newStore) => withStore(newStore, body) });

/**
 * The `EventStore` contract as plain cases. `runEventStoreConformance` registers them
 * with vitest; a browser harness can run the same cases in a page against IndexedDB.
 */
export const eventStoreCases: StoreCase[] = [
  c('an empty store reads as empty', async (s) => {
    equal(await s.head(), 0, 'head');
    equal(await s.readAll(), [], 'readAll');
    equal(await s.readStream('nobody'), [], 'readStream');
    equal(await s.streamVersion('nobody'), 0, 'streamVersion');
  }),
  c('append assigns gapless versions and positions', async (s) => {
    const r1 = await s.appendToStream('a', batch(3));
    equal([r1.fromVersion, r1.toVersion, r1.fromPosition, r1.toPosition], [1, 3, 1, 3], 'first append');
    const r2 = await s.appendToStream('b', batch(2));
    equal([r2.fromVersion, r2.toVersion, r2.fromPosition, r2.toPosition], [1, 2, 4, 5], 'second stream');
    const r3 = await s.appendToStream('a', batch(1));
    equal([r3.fromVersion, r3.toVersion, r3.fromPosition, r3.toPosition], [4, 4, 6, 6], 'third append');
    equal(
      r3.events.map((e) => [e.streamId, e.version, e.position]),
      [['a', 4, 6]],
      'result events',
    );
    equal(await s.streamVersion('a'), 4, 'version of a');
    equal(await s.head(), 6, 'head');
  }),
  c('envelopes carry ids, meta and schemaVersion', async (s) => {
    const id = uuidv7();
    await s.appendToStream('m', [
      { id, type: 'T', data: { x: 1 }, meta: { correlationId: 'c-1', app: 'yes' } },
      { type: 'T', data: { x: 2 }, schemaVersion: 3 },
    ]);
    const [a, b] = await s.readStream('m');
    check(a && b, 'two events read back');
    equal(a.id, id, 'given id kept');
    check(isUuid(b.id) && b.id !== a.id, 'missing id minted as a UUID');
    check(
      typeof a.meta.timestamp === 'string' && !Number.isNaN(Date.parse(a.meta.timestamp)),
      'timestamp set',
    );
    check(typeof a.meta.clientId === 'string' && a.meta.clientId.length > 0, 'clientId set');
    equal([a.meta.correlationId, a.meta.app], ['c-1', 'yes'], 'custom meta kept');
    equal([a.schemaVersion, b.schemaVersion], [1, 3], 'schemaVersion default and given');
    equal(b.data, { x: 2 }, 'data');
  }),
  c('expectedVersion matrix on an empty stream', async (s) => {
    for (const expected of ['no_stream', 0, 'any'] as const) {
      const id = `ok-${String(expected)}`;
      await s.appendToStream(id, batch(1), { expectedVersion: expected });
      equal(await s.streamVersion(id), 1, `append with ${String(expected)} on empty`);
    }
    for (const expected of ['stream_exists', 1, 5] as const) {
      const err = await rejects(
        () => s.appendToStream('empty', batch(1), { expectedVersion: expected }),
        'VERSION_CONFLICT',
        `append with ${String(expected)} on empty`,
      );
      equal(
        [err.streamId, err.expectedVersion, err.actualVersion],
        ['empty', expected, 0],
        'conflict fields',
      );
    }
    equal(await s.streamVersion('empty'), 0, 'nothing written');
  }),
  c('expectedVersion matrix on an existing stream', async (s) => {
    await s.appendToStream('x', batch(2));
    await s.appendToStream('x', batch(1), { expectedVersion: 2 });
    await s.appendToStream('x', batch(1), { expectedVersion: 'stream_exists' });
    await s.appendToStream('x', batch(1), { expectedVersion: 'any' });
    for (const expected of ['no_stream', 0, 4, 6] as const) {
      const err = await rejects(
        () => s.appendToStream('x', batch(1), { expectedVersion: expected }),
        'VERSION_CONFLICT',
        `append with ${String(expected)} at version 5`,
      );
      equal(err.actualVersion, 5, 'actualVersion');
    }
    equal(await s.streamVersion('x'), 5, 'only the matching appends were written');
    equal(await s.head(), 5, 'no positions used by rejected appends');
  }),
  c('a rejected append writes nothing and notifies nobody', async (s) => {
    await s.appendToStream('r', batch(1));
    const seen: Envelope[] = [];
    const off = s.subscribe((events) => seen.push(...events));
    await rejects(
      () => s.appendToStream('r', batch(3), { expectedVersion: 0 }),
      'VERSION_CONFLICT',
      'conflict',
    );
    await rejects(
      () => s.appendToStream('r', [ev('T'), { type: 'T', data: 7 as never }]),
      'VALIDATION_ERROR',
      'bad data',
    );
    off();
    equal(seen.length, 0, 'no notification');
    equal((await s.readAll()).length, 1, 'log unchanged');
  }),
  c('the same ids again are a no-op returning the original result', async (s) => {
    const events = [ev('T', { a: 1 }, uuidv7()), ev('T', { a: 2 }, uuidv7())];
    const first = await s.appendToStream('i', events, { expectedVersion: 'no_stream' });
    await s.appendToStream('other', batch(1));
    const again = await s.appendToStream('i', events, { expectedVersion: 'no_stream' });
    equal(
      [again.fromVersion, again.toVersion, again.fromPosition, again.toPosition],
      [first.fromVersion, first.toVersion, first.fromPosition, first.toPosition],
      'original result',
    );
    equal((await s.readStream('i')).length, 2, 'stored once');
    equal(await s.head(), 3, 'no new positions');
  }),
  c('an id stored with other content is an error and writes nothing', async (s) => {
    const id = uuidv7();
    await s.appendToStream('d', [ev('T', { a: 1 }, id)]);
    await rejects(() => s.appendToStream('d', [ev('T', { a: 2 }, id)]), 'DUPLICATE_EVENT', 'other data');
    await rejects(() => s.appendToStream('d2', [ev('T', { a: 1 }, id)]), 'DUPLICATE_EVENT', 'other stream');
    await rejects(
      () => s.appendToStream('d', [ev('T', { a: 1 }, id), ev('T', { b: 1 }, uuidv7())]),
      'DUPLICATE_EVENT',
      'partial repeat',
    );
    equal(await s.head(), 1, 'nothing written');
    equal(await s.streamVersion('d2'), 0, 'other stream untouched');
  }),
  c('ids repeated inside one append are rejected', async (s) => {
    const id = uuidv7();
    await rejects(
      () => s.appendToStream('dup', [ev('T', {}, id), ev('T', {}, id)]),
      'VALIDATION_ERROR',
      'repeat',
    );
    equal(await s.head(), 0, 'nothing written');
  }),
  c('invalid input is a validation error', async (s) => {
    await rejects(() => s.appendToStream('has space', batch(1)), 'VALIDATION_ERROR', 'bad stream id');
    await rejects(() => s.appendToStream('', batch(1)), 'VALIDATION_ERROR', 'empty stream id');
    await rejects(
      () => s.appendToStream('v', [{ type: 'T', data: [] as never }]),
      'VALIDATION_ERROR',
      'array data',
    );
    await rejects(() => s.appendToStream('v', [{ type: '', data: {} }]), 'VALIDATION_ERROR', 'empty type');
    await rejects(
      () => s.appendToStream('v', [{ id: 'nope', type: 'T', data: {} }]),
      'VALIDATION_ERROR',
      'bad id',
    );
    await rejects(
      () => s.appendToStream('v', batch(1), { expectedVersion: -1 }),
      'VALIDATION_ERROR',
      'negative version',
    );
    equal(await s.head(), 0, 'nothing written');
  }),
  c('readAll pages by position across streams', async (s) => {
    for (let i = 0; i < 10; i++) await s.appendToStream(`p-${i % 3}`, batch(2));
    const all = await s.readAll();
    equal(
      all.map((e) => e.position),
      Array.from({ length: 20 }, (_, i) => i + 1),
      'gapless ascending',
    );
    equal(
      (await s.readAll({ after: 5, limit: 4 })).map((e) => e.position),
      [6, 7, 8, 9],
      'after + limit',
    );
    equal(
      (await s.readAll({ after: 18 })).map((e) => e.position),
      [19, 20],
      'tail',
    );
    equal(await s.readAll({ after: 20 }), [], 'past the end');
  }),
  c('readStream reads version ranges', async (s) => {
    await s.appendToStream('rs', batch(10));
    equal(
      (await s.readStream('rs', { fromVersion: 4, toVersion: 6 })).map((e) => e.version),
      [4, 5, 6],
      'range',
    );
    equal(
      (await s.readStream('rs', { fromVersion: 9 })).map((e) => e.version),
      [9, 10],
      'from',
    );
    equal(
      (await s.readStream('rs', { toVersion: 2 })).map((e) => e.version),
      [1, 2],
      'to',
    );
    equal(await s.readStream('rs', { fromVersion: 11 }), [], 'past the end');
  }),
  c('readStream and readAll start and stop in the middle of an append', async (s) => {
    // A store may keep an append's events together (IndexedDB keeps them in one record):
    // reads must still start and stop at any version and position inside it.
    await s.appendToStream('a', batch(5));
    await s.appendToStream('b', batch(3));
    await s.appendToStream('a', batch(4));
    const versions = async (from?: number, to?: number) =>
      (await s.readStream('a', { fromVersion: from, toVersion: to })).map((e) => e.version);
    equal(await versions(3, 7), [3, 4, 5, 6, 7], 'from 3 to 7');
    equal(await versions(4), [4, 5, 6, 7, 8, 9], 'from 4');
    equal(await versions(undefined, 2), [1, 2], 'to 2');
    equal(await versions(7, 7), [7], 'one version');
    equal(await versions(10), [], 'after the end');
    const positions = async (after: number, limit?: number) =>
      (await s.readAll({ after, limit })).map((e) => [e.streamId, e.position]);
    equal(
      await positions(3, 4),
      [
        ['a', 4],
        ['a', 5],
        ['b', 6],
        ['b', 7],
      ],
      'after 3, limit 4',
    );
    equal(
      await positions(7, 2),
      [
        ['b', 8],
        ['a', 9],
      ],
      'after 7, limit 2',
    );
    equal(await positions(11), [['a', 12]], 'after 11');
    equal(await positions(0, 1), [['a', 1]], 'limit 1');
    equal(await s.streamVersion('a'), 9, 'version');
  }),
  c('concurrent appends to one stream: exactly one wins a version', async (s) => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => s.appendToStream('race', batch(2), { expectedVersion: 'no_stream' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const conflicts = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'VERSION_CONFLICT',
    ).length;
    equal([ok, conflicts], [1, 19], 'one winner, 19 conflicts');
    equal(await s.streamVersion('race'), 2, 'one batch stored');
  }),
  c('concurrent appends with "any" all land, gapless', async (s) => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.appendToStream(`any-${i % 2}`, batch(3))));
    const all = await s.readAll();
    equal(all.length, 60, 'all events');
    equal(
      all.map((e) => e.position),
      Array.from({ length: 60 }, (_, i) => i + 1),
      'positions gapless',
    );
    const v0 = (await s.readStream('any-0')).map((e) => e.version);
    equal(
      v0,
      Array.from({ length: 30 }, (_, i) => i + 1),
      'versions gapless',
    );
  }),
  c('subscribers see each committed batch in order until they unsubscribe', async (s) => {
    const seen: number[][] = [];
    const off = s.subscribe((events) => seen.push(events.map((e) => e.position ?? -1)));
    await s.appendToStream('s', batch(2));
    await s.appendToStream('t', batch(1));
    off();
    await s.appendToStream('s', batch(1));
    equal(seen, [[1, 2], [3]], 'batches');
  }),
  c('a throwing subscriber does not break the append or other subscribers', async (s) => {
    const seen: number[] = [];
    const offBad = s.subscribe(() => {
      throw new Error('listener bug');
    });
    const off = s.subscribe((events) => seen.push(events.length));
    const r = await s.appendToStream('s', batch(2));
    offBad();
    off();
    equal([r.toVersion, seen], [2, [2]], 'append kept, other listener called');
  }),
  c('unknown event types are kept', async (s) => {
    await s.appendToStream('u', [ev('SomethingFromTheFuture', { v: 9 }), ev('Known')]);
    equal(
      (await s.readStream('u')).map((e) => e.type),
      ['SomethingFromTheFuture', 'Known'],
      'both kept',
    );
  }),
  c('stored data is a copy of what was appended', async (s) => {
    const data = { nested: { n: 1 } };
    await s.appendToStream('copy', [{ type: 'T', data }]);
    data.nested.n = 2;
    equal((await s.readStream('copy'))[0]?.data, { nested: { n: 1 } }, 'unchanged by later mutation');
  }),
  c('an empty append checks the version and writes nothing', async (s) => {
    await s.appendToStream('e', [], { expectedVersion: 'no_stream' });
    await rejects(() => s.appendToStream('e', [], { expectedVersion: 3 }), 'VERSION_CONFLICT', 'checked');
    equal(await s.head(), 0, 'nothing written');
  }),
  c('a large stream reads back whole and in order', async (s) => {
    for (let i = 0; i < 30; i++) await s.appendToStream('big', batch(100));
    const events = await s.readStream('big');
    equal(events.length, 3000, 'count');
    check(
      events.every((e, i) => e.version === i + 1 && e.data.i === i % 100),
      'versions and data in order',
    );
    const blob = 'x'.repeat(200_000);
    await s.appendToStream('blob', [ev('Big', { blob })]);
    equal((await s.readStream('blob'))[0]?.data.blob?.toString().length, 200_000, 'large event');
  }),
  c('a closed store refuses further calls', async (s) => {
    await s.close();
    await rejects(() => s.appendToStream('c', batch(1)), 'CLOSED', 'append after close');
    await rejects(() => s.readAll(), 'CLOSED', 'read after close');
  }),
];
