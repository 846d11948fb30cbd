import { expect } from 'vitest';
import { at, type ConformanceCase, oneTo, pullAll, pushed, run } from './fixtures.js';

/** Push: the accept / duplicate / conflict matrix of docs/protocol.md, "Push". */
export const pushCases: ConformanceCase[] = [
  {
    name: 'push accepts a new stream and gives it positions 1, 2, 3 in a new space',
    async run({ store, space }) {
      const s = space();
      const events = run('cart-1', 1, 3);
      expect(await store.push(s, events)).toEqual({
        accepted: [{ streamId: 'cart-1', fromVersion: 1, toVersion: 3, fromPosition: 1, toPosition: 3 }],
        duplicates: [],
        conflicts: [],
        head: 3,
      });
      expect(await pullAll(store, s)).toEqual(events.map((e, i) => at(e, i + 1)));
    },
  },
  {
    name: 'push rejects a whole group that does not start at current version + 1 (group atomicity)',
    async run({ store, space }) {
      const s = space();
      await store.push(s, run('a', 1, 2));
      const late = run('a', 2, 4);
      expect(await store.push(s, late)).toEqual({
        accepted: [],
        duplicates: [],
        conflicts: [{ streamId: 'a', expectedVersion: 1, actualVersion: 2 }],
        head: 2,
      });
      const ahead = run('a', 4, 5);
      expect((await store.push(s, ahead)).conflicts).toEqual([
        { streamId: 'a', expectedVersion: 3, actualVersion: 2 },
      ]);
      const stream = await store.readStream(s, 'a');
      expect(stream.version).toBe(2);
      expect(stream.events.map((e) => e.version)).toEqual([1, 2]);
      expect(await store.head(s)).toBe(2);
    },
  },
  {
    name: 'push acknowledges a re-pushed event as a duplicate with its position and never stores it twice',
    async run({ store, space }) {
      const s = space();
      const events = [...run('a', 1, 2), ...run('b', 1, 1)];
      await store.push(s, events);
      expect(await store.push(s, events)).toEqual({
        accepted: [],
        duplicates: [
          { id: events[0]!.id, position: 1 },
          { id: events[1]!.id, position: 2 },
          { id: events[2]!.id, position: 3 },
        ],
        conflicts: [],
        head: 3,
      });
      expect(await pullAll(store, s)).toHaveLength(3);
    },
  },
  {
    name: 'push takes duplicates out of their group first, then accepts the rest at current + 1',
    async run({ store, space }) {
      const s = space();
      const events = run('a', 1, 4);
      await store.push(s, [pushed('other', 1), ...events.slice(0, 2)]);
      expect(await store.push(s, events)).toEqual({
        accepted: [{ streamId: 'a', fromVersion: 3, toVersion: 4, fromPosition: 4, toPosition: 5 }],
        duplicates: [
          { id: events[0]!.id, position: 2 },
          { id: events[1]!.id, position: 3 },
        ],
        conflicts: [],
        head: 5,
      });
      expect((await store.readStream(s, 'a')).events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    },
  },
  {
    name: 'push reports duplicates and a conflict when the rest of the group does not fit',
    async run({ store, space }) {
      const s = space();
      const mine = run('a', 1, 2);
      await store.push(s, mine.slice(0, 1));
      await store.push(s, [pushed('a', 2), pushed('a', 3)]);
      expect(await store.push(s, mine)).toEqual({
        accepted: [],
        duplicates: [{ id: mine[0]!.id, position: 1 }],
        conflicts: [{ streamId: 'a', expectedVersion: 1, actualVersion: 3 }],
        head: 3,
      });
    },
  },
  {
    name: 'push treats an id stored on another stream or version as a conflict with `id`',
    async run({ store, space }) {
      const s = space();
      const first = pushed('a', 1);
      await store.push(s, [first]);
      const otherStream = { ...pushed('b', 1), id: first.id };
      expect(await store.push(s, [otherStream, pushed('b', 2)])).toEqual({
        accepted: [],
        duplicates: [],
        conflicts: [{ streamId: 'b', expectedVersion: 0, actualVersion: 0, id: first.id }],
        head: 1,
      });
      const otherVersion = { ...pushed('a', 2), id: first.id };
      expect((await store.push(s, [otherVersion])).conflicts).toEqual([
        { streamId: 'a', expectedVersion: 1, actualVersion: 1, id: first.id },
      ]);
      expect(await pullAll(store, s)).toEqual([at(first, 1)]);
    },
  },
  {
    name: 'push stores an id repeated inside one push once',
    async run({ store, space }) {
      const s = space();
      const a = pushed('a', 1);
      const outcome = await store.push(s, [a, { ...pushed('b', 1), id: a.id }]);
      expect(outcome.accepted.map((g) => g.streamId)).toEqual(['a']);
      expect(outcome.conflicts).toEqual([{ streamId: 'b', expectedVersion: 0, actualVersion: 0, id: a.id }]);
      expect(await pullAll(store, s)).toEqual([at(a, 1)]);
    },
  },
  {
    name: 'push keeps streams independent: one stream conflicting does not stop another',
    async run({ store, space }) {
      const s = space();
      await store.push(s, run('a', 1, 1));
      const x = run('x', 1, 2);
      const outcome = await store.push(s, [pushed('a', 1), ...x, pushed('y', 1)]);
      expect(outcome.conflicts).toEqual([{ streamId: 'a', expectedVersion: 0, actualVersion: 1 }]);
      expect(outcome.accepted).toEqual([
        { streamId: 'x', fromVersion: 1, toVersion: 2, fromPosition: 2, toPosition: 3 },
        { streamId: 'y', fromVersion: 1, toVersion: 1, fromPosition: 4, toPosition: 4 },
      ]);
      expect(outcome.head).toBe(4);
    },
  },
  {
    name: 'push refuses versions that are not contiguous with VALIDATION_ERROR and stores nothing',
    async run({ store, space }) {
      const s = space();
      await expect(store.push(s, [pushed('ok', 1), pushed('a', 1), pushed('a', 3)])).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      await expect(store.push(s, [pushed('a', 2), pushed('a', 1)])).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      expect(await store.head(s)).toBe(0);
      expect(await store.push(s, [])).toEqual({ accepted: [], duplicates: [], conflicts: [], head: 0 });
    },
  },
  {
    name: 'positions stay gapless across pushes, streams and conflicts',
    async run({ store, space }) {
      const s = space();
      let expected = 0;
      for (let round = 1; round <= 6; round++) {
        const outcome = await store.push(s, [
          ...run(`s${round % 3}`, Math.ceil(round / 3), Math.ceil(round / 3)),
          pushed('contested', 1),
          ...run(`r${round}`, 1, round),
        ]);
        expected += outcome.accepted.reduce((n, g) => n + g.toVersion - g.fromVersion + 1, 0);
        expect(outcome.head).toBe(expected);
      }
      const all = await pullAll(store, s, 7);
      expect(all.map((e) => e.position)).toEqual(oneTo(expected));
      expect(new Set(all.map((e) => e.id)).size).toBe(expected);
    },
  },
];
