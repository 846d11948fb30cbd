import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullAll, pushed, streamRun } from '../conformance/index.js';
import type { PushedEvent, ServerEventStore } from '../types.js';
import { channelOf } from './live.js';
import { createPostgresServerStore } from './store.js';
import { TEST_DATABASE_URL, testSchemas } from './test-database.js';

// Group commit: pushes to one space made while a group of that space is being written wait
// and go together as a later group. A store has up to two groups of a space in flight; the
// second starts once 4 pushes wait. So pushes started in the same tick are deterministic:
// the first goes alone, and up to 3 more wait for it and go together next.

const schemas = testSchemas();
afterAll(schemas.dropAll);
const schema = schemas.fresh();
let store: ServerEventStore;
let listener: postgres.Sql;
let waitingSql: postgres.Sql;
const notified: string[] = [];

beforeAll(async () => {
  store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
  listener = postgres(TEST_DATABASE_URL, { max: 2, onnotice: () => {} });
  waitingSql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  await listener.listen(channelOf(schema), (payload) => notified.push(payload));
});
afterAll(async () => {
  await store?.close();
  await listener?.end({ timeout: 5 });
  await waitingSql?.end({ timeout: 5 });
});

let spaces = 0;
const freshSpace = () => `group-${Date.now().toString(36)}-${++spaces}`;

/** The heads NOTIFY reported for `space` so far (one per committed transaction that wrote). */
async function notifiedHeads(space: string, atLeast: number): Promise<number[]> {
  const heads = () => notified.filter((p) => p.endsWith(`:${space}`)).map((p) => Number(p.split(':')[0]));
  // Notifications arrive asynchronously on their own connection; wait for a quiet round trip.
  for (let i = 0; i < 50 && heads().length < atLeast; i++) await listener`SELECT pg_sleep(0.02)`;
  await listener`SELECT 1`;
  return heads();
}

/** Hold the space's advisory lock (as another replica writing would) until `release()`. */
async function holdLock(space: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const taken = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = listener.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${`${schema}:${space}`}, 0))`;
    locked();
    await released;
  });
  await taken;
  return {
    /** Resolves once `count` transactions wait for the lock. */
    async waiters(count: number) {
      for (;;) {
        const [row] = await waitingSql<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND NOT granted
            AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(${`${schema}:${space}`}, 0)`;
        if (row!.n >= count) return;
        await waitingSql`SELECT pg_sleep(0.01)`;
      }
    },
    async release() {
      release();
      await done;
    },
  };
}

describe('postgres store group commit', () => {
  it('writes pushes queued behind running ones together, each planned on the state the earlier ones leave', async () => {
    const space = freshSpace();
    const first = streamRun('s', 1, 2);
    const x = pushed('v', 1);
    const group: PushedEvent[][] = [
      [pushed('s', 3)], // continues the first push
      [pushed('s', 3)], // the same version again: a conflict
      first, // re-pushed: duplicates only
      [{ ...first[0]!, streamId: 't', version: 1 }], // a stored id on another stream: conflict with id
      streamRun('u', 1, 2),
      [pushed('u', 3)], // continues a push earlier in the same group
      [x],
      [pushed('w', 1, { id: x.id })], // an id an earlier push of the group stored
    ];
    // While another transaction holds the lock: the first push goes alone, the next 4 as a
    // second group in flight, the last 4 wait in the store for a free slot, so the groups
    // take the lock in this order.
    const lock = await holdLock(space);
    const pushing = [store.push(space, first)];
    await lock.waiters(1);
    pushing.push(...group.map((p) => store.push(space, p)));
    await lock.waiters(2);
    await lock.release();
    const results = await Promise.all(pushing);

    expect(results[0]!.accepted).toEqual([
      { streamId: 's', fromVersion: 1, toVersion: 2, fromPosition: 1, toPosition: 2 },
    ]);
    const [b, c, d, e, f, g, h, i] = results.slice(1);
    expect(b!.accepted).toEqual([
      { streamId: 's', fromVersion: 3, toVersion: 3, fromPosition: 3, toPosition: 3 },
    ]);
    expect(c).toMatchObject({
      accepted: [],
      duplicates: [],
      conflicts: [{ streamId: 's', expectedVersion: 2, actualVersion: 3 }],
    });
    expect(d).toMatchObject({
      accepted: [],
      duplicates: [
        { id: first[0]!.id, position: 1 },
        { id: first[1]!.id, position: 2 },
      ],
      conflicts: [],
    });
    expect(e!.conflicts).toEqual([{ streamId: 't', expectedVersion: 0, actualVersion: 0, id: first[0]!.id }]);
    expect(f!.accepted).toEqual([
      { streamId: 'u', fromVersion: 1, toVersion: 2, fromPosition: 4, toPosition: 5 },
    ]);
    expect(g!.accepted).toEqual([
      { streamId: 'u', fromVersion: 3, toVersion: 3, fromPosition: 6, toPosition: 6 },
    ]);
    expect(h!.accepted).toEqual([
      { streamId: 'v', fromVersion: 1, toVersion: 1, fromPosition: 7, toPosition: 7 },
    ]);
    expect(i).toMatchObject({
      accepted: [],
      conflicts: [{ streamId: 'w', expectedVersion: 0, actualVersion: 0, id: x.id }],
    });
    // Every push answers the head as of its group's commit; a stale one, as of its own.
    expect(results[0]!.head).toBe(2);
    expect(b!.head).toBe(3);
    for (const r of [f, g, h, i]) expect(r!.head).toBe(7);
    for (const r of [c, d, e]) expect(r!.head).toBeGreaterThanOrEqual(3);

    const all = await pullAll(store, space);
    expect(all.map((ev) => [ev.position, ev.streamId, ev.version])).toEqual([
      [1, 's', 1],
      [2, 's', 2],
      [3, 's', 3],
      [4, 'u', 1],
      [5, 'u', 2],
      [6, 'u', 3],
      [7, 'v', 1],
    ]);
    // One commit for the first push, one per group; the stale pushes wrote nothing.
    expect(await notifiedHeads(space, 3)).toEqual([2, 3, 7]);
  });

  it('fails only the push that fails inside a group; the others are written, nothing else changes', async () => {
    const space = freshSpace();
    const ok1 = [pushed('a', 1)];
    // PostgreSQL text cannot hold U+0000: this push fails in the database, inside the group.
    const bad = [pushed('b', 1), pushed('b', 2, { type: 'nul\u0000type' })];
    const ok2 = streamRun('c', 1, 2);
    const settled = await Promise.allSettled([
      store.push(space, [pushed('first', 1)]),
      store.push(space, ok1),
      store.push(space, bad),
      store.push(space, ok2),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ name: 'PostgresError' });
    const all = await pullAll(store, space);
    expect(all.map((ev) => ev.position)).toEqual([1, 2, 3, 4]);
    expect(all.map((ev) => ev.streamId)).toEqual(['first', 'a', 'c', 'c']);
    expect(await store.head(space)).toBe(4);
    expect((await store.readStream(space, 'b')).version).toBe(0);
    // The group rolled back whole, then each push went again alone.
    expect(await notifiedHeads(space, 3)).toEqual([1, 2, 4]);
  });

  it('keeps odd ids, types and JSON exact when a group carries them', async () => {
    const space = freshSpace();
    const odd: PushedEvent[] = [
      pushed('q"uote\\back{,}', 1, {
        id: 'id "with" \\ back, {braces}\nand newline',
        type: 'type\t"x"',
        data: {
          nul: 'a\u0000b',
          quote: '"',
          back: '\\',
          nested: { arr: [1, 'two', null, { '': true }] },
          emoji: '😀',
        },
      }),
      pushed('NULL', 1, { id: 'NULL', type: 'NULL', data: {} }),
    ];
    await Promise.all([
      store.push(space, [pushed('first', 1)]),
      store.push(space, [odd[0]!]),
      store.push(space, [odd[1]!]),
    ]);
    const all = await pullAll(store, space);
    expect(all.slice(1)).toEqual([
      { ...odd[0]!, position: 2 },
      { ...odd[1]!, position: 3 },
    ]);
    expect(await notifiedHeads(space, 2)).toEqual([1, 3]);
  });

  it('close() lets pushes waiting in a group queue finish', async () => {
    const own = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
    const space = freshSpace();
    const pushes = [
      own.push(space, [pushed('a', 1)]),
      own.push(space, [pushed('b', 1)]),
      own.push(space, [pushed('c', 1)]),
    ];
    await own.close();
    expect((await Promise.all(pushes)).map((o) => o.accepted[0]?.fromPosition)).toEqual([1, 2, 3]);
    expect(await store.head(space)).toBe(3);
  });
});
