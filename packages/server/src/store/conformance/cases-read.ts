import { isUuid } from '@tidelog/core';
import { expect } from 'vitest';
import { at, type ConformanceCase, oneTo, pullAll, pushed, run } from './fixtures.js';

/** Reads: pull paging, readStream, heads, isolation of spaces, exact round trips, serverId. */
export const readCases: ConformanceCase[] = [
  {
    name: 'an empty space has head 0, no events, and streams at version 0',
    async run({ store, space }) {
      const s = space();
      expect(await store.head(s)).toBe(0);
      expect(await store.pull(s, { after: 0, limit: 10 })).toEqual({ events: [], head: 0, hasMore: false });
      expect(await store.readStream(s, 'nothing')).toEqual({ events: [], version: 0, hasMore: false });
    },
  },
  {
    name: 'pull pages by after/limit with head and hasMore',
    async run({ store, space }) {
      const s = space();
      const events = [...run('a', 1, 10), ...run('b', 1, 15)];
      await store.push(s, events);
      const first = await store.pull(s, { after: 0, limit: 10 });
      expect(first.events.map((e) => e.position)).toEqual(oneTo(10));
      expect(first).toMatchObject({ head: 25, hasMore: true });
      const middle = await store.pull(s, { after: 12, limit: 10 });
      expect(middle.events.map((e) => e.position)).toEqual(oneTo(10).map((n) => n + 12));
      expect(middle.events[0]).toEqual(at(events[12]!, 13));
      expect(middle).toMatchObject({ head: 25, hasMore: true });
      const last = await store.pull(s, { after: 20, limit: 10 });
      expect(last.events.map((e) => e.position)).toEqual([21, 22, 23, 24, 25]);
      expect(last).toMatchObject({ head: 25, hasMore: false });
      expect(await store.pull(s, { after: 15, limit: 10 })).toMatchObject({ hasMore: false });
      expect(await store.pull(s, { after: 25, limit: 10 })).toEqual({ events: [], head: 25, hasMore: false });
      expect(await store.pull(s, { after: 99, limit: 10 })).toEqual({ events: [], head: 25, hasMore: false });
    },
  },
  {
    name: 'pull refuses a cursor or limit that is not a valid integer with VALIDATION_ERROR',
    async run({ store, space }) {
      const s = space();
      for (const options of [
        { after: -1, limit: 10 },
        { after: 1.5, limit: 10 },
        { after: Number.NaN, limit: 10 },
        { after: 0, limit: 0 },
        { after: 0, limit: -3 },
      ]) {
        await expect(store.pull(s, options)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
      }
    },
  },
  {
    name: 'readStream gives one stream from a version, and its current version',
    async run({ store, space }) {
      const s = space();
      const a = run('a', 1, 5);
      await store.push(s, [...a.slice(0, 2), pushed('b', 1)]);
      await store.push(s, a.slice(2));
      const all = await store.readStream(s, 'a');
      expect(all.version).toBe(5);
      expect(all.events).toEqual([at(a[0]!, 1), at(a[1]!, 2), at(a[2]!, 4), at(a[3]!, 5), at(a[4]!, 6)]);
      const tail = await store.readStream(s, 'a', { fromVersion: 4 });
      expect(tail).toEqual({ events: [at(a[3]!, 5), at(a[4]!, 6)], version: 5, hasMore: false });
      expect(await store.readStream(s, 'a', { fromVersion: 9 })).toEqual({
        events: [],
        version: 5,
        hasMore: false,
      });
      await expect(store.readStream(s, 'a', { fromVersion: 0 })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    },
  },
  {
    name: 'spaces are isolated: the same ids and streams live independently in two spaces',
    async run({ store, space }) {
      const s1 = space();
      const s2 = space();
      const events = run('shared', 1, 3);
      await store.push(s1, [pushed('only-1', 1)]);
      expect((await store.push(s1, events)).accepted[0]).toMatchObject({ fromPosition: 2, toPosition: 4 });
      expect((await store.push(s2, events)).accepted[0]).toMatchObject({ fromPosition: 1, toPosition: 3 });
      expect(await store.head(s1)).toBe(4);
      expect(await store.head(s2)).toBe(3);
      expect((await pullAll(store, s2)).map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect((await store.readStream(s2, 'only-1')).version).toBe(0);
    },
  },
  {
    name: 'an envelope comes back exactly as pushed, whatever JSON it carries',
    async run({ store, space }) {
      const s = space();
      const odd = pushed('odd:stream/with.chars@x-1', 1, {
        type: 'Ünïcode ✓ 🎉',
        schemaVersion: 7,
        data: {
          text: 'line\nbreak "quoted" \\ back \u0000 nul \u2028 sep 𝄞',
          numbers: [0, -1, 1.5, 2 ** 53 - 1, -(2 ** 53 - 1), 1e-7, 6.02e23],
          flags: [true, false, null],
          nested: { deep: { deeper: [[], {}, [{ k: 'v' }]] } },
          empty: {},
          '': 'empty key',
        },
        meta: {
          timestamp: '2026-05-01T12:34:56.789Z',
          clientId: 'device-ö',
          commandId: 'cmd-1',
          correlationId: 'corr-1',
          causationId: 'cause-1',
          appField: { any: ['json', 1] },
        },
      });
      await store.push(s, [odd]);
      expect((await store.pull(s, { after: 0, limit: 1 })).events).toEqual([at(odd, 1)]);
      expect((await store.readStream(s, odd.streamId)).events).toEqual([at(odd, 1)]);
    },
  },
  {
    name: 'large payloads: a ~900 KB event and a 1,000-event push round-trip intact',
    async run({ store, space }) {
      const s = space();
      const big = pushed('big', 1, { data: { blob: 'x'.repeat(900_000), tail: 'end' } });
      const many = run('many', 1, 1000).map((e, i) => ({ ...e, data: { i, pad: 'p'.repeat(900) } }));
      expect((await store.push(s, [big])).head).toBe(1);
      expect((await store.push(s, many)).accepted).toEqual([
        { streamId: 'many', fromVersion: 1, toVersion: 1000, fromPosition: 2, toPosition: 1001 },
      ]);
      const all = await pullAll(store, s, 5000);
      expect(all[0]).toEqual(at(big, 1));
      expect(all.slice(1)).toEqual(many.map((e, i) => at(e, i + 2)));
    },
  },
  {
    name: 'serverId is a UUID and stable; another handle on the same data has the same one',
    async run({ store, openReplica }) {
      const id = await store.serverId();
      expect(isUuid(id)).toBe(true);
      expect(await store.serverId()).toBe(id);
      if (!openReplica) return;
      const replica = await openReplica();
      try {
        expect(await replica.serverId()).toBe(id);
      } finally {
        await replica.close();
      }
    },
  },
  {
    name: 'a closed store refuses every call with CLOSED',
    async run({ store, space }) {
      const s = space();
      await store.close();
      await expect(store.push(s, [pushed('a', 1)])).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(store.pull(s, { after: 0, limit: 1 })).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(store.readStream(s, 'a')).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(store.head(s)).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(store.serverId()).rejects.toMatchObject({ code: 'CLOSED' });
      expect(() => store.watch(s, () => {})).toThrow(expect.objectContaining({ code: 'CLOSED' }));
      await store.close(); // closing twice is harmless
    },
  },
];
