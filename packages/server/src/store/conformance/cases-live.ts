import type { PositionedEnvelope } from '@tidelog/core';
import { expect } from 'vitest';
import type { ServerEventStore } from '../types.js';
import { type ConformanceCase, oneTo, pullAll, pushed, run } from './fixtures.js';

/** Resolves when `listener` has been called with a head ≥ `atLeast`. */
function headReached(store: ServerEventStore, space: string, atLeast: number) {
  const seen: number[] = [];
  let stop = () => {};
  const reached = new Promise<void>((resolve) => {
    stop = store.watch(space, (head) => {
      seen.push(head);
      if (head >= atLeast) resolve();
    });
  });
  return { reached, seen, stop: () => stop() };
}

/**
 * Tail `space` with pull until `done()` and the cursor reached the head, checking that every
 * page starts right after the cursor: a reader never sees a gap, and never receives an event
 * at a position ≤ one it has seen (commit order).
 */
async function tail(
  store: ServerEventStore,
  space: string,
  done: () => boolean,
): Promise<PositionedEnvelope[]> {
  const seen: PositionedEnvelope[] = [];
  let cursor = 0;
  for (;;) {
    const finished = done();
    const page = await store.pull(space, { after: cursor, limit: 37 });
    page.events.forEach((event, i) => {
      if (event.position !== cursor + i + 1) {
        throw new Error(`reader at ${cursor + i} received position ${event.position}: gap or out of order`);
      }
    });
    cursor += page.events.length;
    seen.push(...page.events);
    if (finished && !page.hasMore) return seen;
    if (page.events.length === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Watch, and concurrency: what only shows when pushes race. */
export const liveCases: ConformanceCase[] = [
  {
    name: 'watch wakes every listener of the space with the new head; unsubscribe stops it',
    async run({ store, space }) {
      const s = space();
      const other = space();
      const a = headReached(store, s, 2);
      const b = headReached(store, s, 2);
      const elsewhere = headReached(store, other, 1);
      await store.push(s, run('a', 1, 2));
      await Promise.all([a.reached, b.reached]);
      expect(a.seen.at(-1)).toBe(2);
      a.stop();
      const c = headReached(store, s, 3);
      await store.push(s, [pushed('a', 3)]);
      await Promise.all([b.reached, c.reached]);
      expect(b.seen.at(-1)).toBe(3);
      expect(a.seen.every((head) => head <= 2)).toBe(true);
      expect(elsewhere.seen).toEqual([]);
      b.stop();
      c.stop();
      elsewhere.stop();
    },
  },
  {
    name: 'watch survives a throwing listener: the push succeeds and other listeners still wake',
    async run({ store, space }) {
      const s = space();
      const error = console.error;
      console.error = () => {};
      try {
        const stopBad = store.watch(s, () => {
          throw new Error('listener bug');
        });
        const good = headReached(store, s, 1);
        expect((await store.push(s, [pushed('a', 1)])).head).toBe(1);
        await good.reached;
        stopBad();
        good.stop();
      } finally {
        console.error = error;
      }
    },
  },
  {
    name: '24 concurrent pushes of version 1 of one stream: exactly one accepted, 23 conflicts',
    async run({ store, space }) {
      const s = space();
      const outcomes = await Promise.all(Array.from({ length: 24 }, () => store.push(s, [pushed('hot', 1)])));
      expect(outcomes.filter((o) => o.accepted.length === 1)).toHaveLength(1);
      const conflicts = outcomes.flatMap((o) => o.conflicts);
      expect(conflicts).toHaveLength(23);
      for (const c of conflicts) expect(c).toEqual({ streamId: 'hot', expectedVersion: 0, actualVersion: 1 });
      const stream = await store.readStream(s, 'hot');
      expect(stream.version).toBe(1);
      expect(stream.events).toHaveLength(1);
      expect(await store.head(s)).toBe(1);
    },
  },
  {
    name: '24 concurrent re-pushes of the same event: stored once, 23 duplicates with its position',
    async run({ store, space }) {
      const s = space();
      await store.push(s, [pushed('before', 1)]);
      const event = pushed('hot', 1);
      const outcomes = await Promise.all(Array.from({ length: 24 }, () => store.push(s, [event])));
      expect(outcomes.filter((o) => o.accepted.length === 1)).toHaveLength(1);
      expect(outcomes.flatMap((o) => o.duplicates)).toEqual(Array(23).fill({ id: event.id, position: 2 }));
      expect(outcomes.flatMap((o) => o.conflicts)).toEqual([]);
      expect((await pullAll(store, s)).map((e) => e.id)).toHaveLength(2);
    },
  },
  {
    name: '12 concurrent pushes of one id on 12 streams: stored once, 11 conflicts with `id`',
    async run({ store, space }) {
      const s = space();
      const id = pushed('x', 1).id;
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.push(s, [{ ...pushed(`s${i}`, 1), id }, pushed(`own${i}`, 1)]),
        ),
      );
      const winners = outcomes.flatMap((o) => o.accepted).filter((g) => g.streamId.startsWith('s'));
      expect(winners).toHaveLength(1);
      const conflicts = outcomes.flatMap((o) => o.conflicts);
      expect(conflicts).toHaveLength(11);
      for (const c of conflicts) expect(c).toMatchObject({ expectedVersion: 0, actualVersion: 0, id });
      // The other stream of each push is independent and accepted every time.
      expect(outcomes.flatMap((o) => o.accepted).filter((g) => g.streamId.startsWith('own'))).toHaveLength(
        12,
      );
      const all = await pullAll(store, s);
      expect(all.filter((e) => e.id === id)).toHaveLength(1);
      expect(all.map((e) => e.position)).toEqual(oneTo(13));
    },
  },
  {
    name: 'concurrent pushes to many streams: positions gapless, every reader sees commit order',
    async run({ store, space }) {
      const s = space();
      let pushing = true;
      const readers = Promise.all([tail(store, s, () => !pushing), tail(store, s, () => !pushing)]);
      readers.catch(() => {}); // awaited below; a reader failing early must not go unhandled
      const settled = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => store.push(s, [...run(`s${i}`, 1, 3), pushed('contested', 1)])),
      );
      pushing = false;
      const seenByReaders = await readers;
      const outcomes = settled.map((r) => {
        if (r.status === 'rejected') throw r.reason;
        return r.value;
      });
      const all = await pullAll(store, s, 50);
      expect(all.map((e) => e.position)).toEqual(oneTo(121));
      expect(new Set(all.map((e) => e.id)).size).toBe(121);
      for (const seen of seenByReaders) expect(seen).toEqual(all);
      const byPosition = new Map(all.map((e) => [e.position, e]));
      for (const group of outcomes.flatMap((o) => o.accepted)) {
        for (let p = group.fromPosition; p <= group.toPosition; p++) {
          expect(byPosition.get(p)).toMatchObject({
            streamId: group.streamId,
            version: group.fromVersion + p - group.fromPosition,
          });
        }
      }
      expect(outcomes.flatMap((o) => o.accepted).filter((g) => g.streamId === 'contested')).toHaveLength(1);
    },
  },
];
