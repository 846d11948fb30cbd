import { expect } from 'vitest';
import { type ConformanceCase, pushed, run } from './fixtures.js';

/** An event whose data is about `kb` KiB of JSON. */
const big = (streamId: string, version: number, kb: number) =>
  pushed(streamId, version, { data: { blob: 'x'.repeat(kb * 1024) } });

/** Pages: the byte budget of pulls and stream reads, and stream reads paged by `limit`. */
export const pageCases: ConformanceCase[] = [
  {
    name: 'pull stops a page at the byte budget, always takes one event, and says hasMore',
    async run({ store, space }) {
      const s = space();
      const events = [1, 2, 3, 4, 5].map((v) => big('a', v, 100));
      for (const e of events) await store.push(s, [e]);
      // 100 KiB each: a 250,000-byte budget holds two of them.
      const first = await store.pull(s, { after: 0, limit: 100, maxBytes: 250_000 });
      expect(first.events.map((e) => e.position)).toEqual([1, 2]);
      expect([first.head, first.hasMore]).toEqual([5, true]);
      // A budget smaller than one event still gives one event.
      const one = await store.pull(s, { after: 2, limit: 100, maxBytes: 1 });
      expect(one.events.map((e) => e.id)).toEqual([events[2]!.id]);
      expect(one.hasMore).toBe(true);
      expect(one.events[0]!.data).toEqual(events[2]!.data);
      const rest = await store.pull(s, { after: 3, limit: 100, maxBytes: 10_000_000 });
      expect(rest.events.map((e) => e.position)).toEqual([4, 5]);
      expect(rest.hasMore).toBe(false);
      // Without a budget the default (4 MiB) holds all five.
      expect((await store.pull(s, { after: 0, limit: 100 })).events).toHaveLength(5);
    },
  },
  {
    name: 'readStream pages by limit and byte budget, with hasMore and the current version',
    async run({ store, space }) {
      const s = space();
      await store.push(s, run('a', 1, 5));
      const page = await store.readStream(s, 'a', { fromVersion: 2, limit: 2 });
      expect(page.events.map((e) => e.version)).toEqual([2, 3]);
      expect([page.version, page.hasMore]).toEqual([5, true]);
      const last = await store.readStream(s, 'a', { fromVersion: 4, limit: 2 });
      expect(last.events.map((e) => e.version)).toEqual([4, 5]);
      expect(last.hasMore).toBe(false);
      expect(await store.readStream(s, 'a', { fromVersion: 9 })).toEqual({
        events: [],
        version: 5,
        hasMore: false,
      });
      expect(await store.readStream(s, 'none')).toEqual({ events: [], version: 0, hasMore: false });

      for (let v = 1; v <= 3; v++) await store.push(s, [big('b', v, 100)]);
      const budgeted = await store.readStream(s, 'b', { maxBytes: 150_000 });
      expect(budgeted.events.map((e) => e.version)).toEqual([1]);
      expect(budgeted.hasMore).toBe(true);
      const tiny = await store.readStream(s, 'b', { fromVersion: 3, maxBytes: 1 });
      expect(tiny.events.map((e) => e.version)).toEqual([3]);
      expect(tiny.hasMore).toBe(false);
    },
  },
  {
    name: 'pull and readStream refuse a byte budget or limit that is not a positive integer',
    async run({ store, space }) {
      const s = space();
      await expect(store.pull(s, { after: 0, limit: 1, maxBytes: 0 })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      await expect(store.readStream(s, 'a', { limit: 0 })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      await expect(store.readStream(s, 'a', { maxBytes: 1.5 })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    },
  },
];
