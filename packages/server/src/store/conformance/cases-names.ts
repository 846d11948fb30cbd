import { expect } from 'vitest';
import { at, type ConformanceCase, pullAll, pushed, run } from './fixtures.js';

/**
 * Valid stream ids and space names that are also members of `Object.prototype`: a store
 * that keeps user-chosen names in a plain object finds an inherited function there.
 */
export const PROTOTYPE_NAMES: readonly string[] = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__proto__',
  '__defineGetter__',
  '__lookupSetter__',
];

/** Names: `Object.prototype` members as streams and spaces, on every path of a push. */
export const nameCases: ConformanceCase[] = [
  {
    name: 'streams named after Object.prototype members are new streams, also on a re-push with a duplicate',
    async run({ store, space }) {
      const s = space();
      const first = pushed('plain', 1);
      await store.push(s, [first]);
      for (const name of PROTOTYPE_NAMES) {
        // The re-pushed `first` is a duplicate: the store must look ids and versions up.
        const events = run(name, 1, 2);
        const outcome = await store.push(s, [first, ...events]);
        expect(outcome.conflicts, name).toEqual([]);
        expect(outcome.duplicates).toEqual([{ id: first.id, position: 1 }]);
        expect(outcome.accepted).toEqual([
          {
            streamId: name,
            fromVersion: 1,
            toVersion: 2,
            fromPosition: outcome.head - 1,
            toPosition: outcome.head,
          },
        ]);
        const stream = await store.readStream(s, name);
        expect(stream.version).toBe(2);
        expect(stream.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
      }
    },
  },
  {
    name: 'streams named after Object.prototype members conflict with a real actualVersion',
    async run({ store, space }) {
      const s = space();
      await store.push(s, [pushed('taken', 1)]);
      for (const name of PROTOTYPE_NAMES) {
        // A conflict elsewhere in the push sends it down the careful path of every store.
        const outcome = await store.push(s, [pushed('taken', 1), pushed(name, 2)]);
        expect(outcome.conflicts).toEqual([
          { streamId: 'taken', expectedVersion: 0, actualVersion: 1 },
          { streamId: name, expectedVersion: 1, actualVersion: 0 },
        ]);
        const fresh = await store.push(s, [pushed('taken', 1), pushed(name, 1)]);
        expect(fresh.accepted.map((g) => g.streamId)).toEqual([name]);
        expect(fresh.conflicts).toEqual([{ streamId: 'taken', expectedVersion: 0, actualVersion: 1 }]);
      }
    },
  },
  {
    name: 'spaces named after Object.prototype members are empty at first and hold their own events',
    async run({ store, space }) {
      const suffix = space();
      for (const name of PROTOTYPE_NAMES) {
        // A name shared with other runs on the same database: start from what is there.
        const head = await store.head(name);
        const page = await store.pull(name, { after: head, limit: 10 });
        expect(page).toEqual({ events: [], head, hasMore: false });
        const stream = `s-${suffix}`;
        const e = pushed(stream, 1);
        expect((await store.push(name, [e])).accepted).toEqual([
          { streamId: stream, fromVersion: 1, toVersion: 1, fromPosition: head + 1, toPosition: head + 1 },
        ]);
        expect((await store.pull(name, { after: head, limit: 10 })).events).toEqual([at(e, head + 1)]);
      }
      expect(await pullAll(store, suffix)).toEqual([]);
    },
  },
];
