import type { PositionedEnvelope } from '@tidelog/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pushed, run } from '../../store/conformance/fixtures.js';
import type { ServerEventStore } from '../../store/types.js';
import { runConsumer } from '../run-consumer.js';
import type { ConsumerStore } from '../types.js';
import { until } from './until.js';

/** A server store and a consumer store on the same data, as one replica opens them. */
export interface ConsumerReplica {
  store: ServerEventStore;
  consumers: ConsumerStore<unknown>;
  close(): Promise<void>;
}

/** What the shared consumer cases need of a backend. */
export interface ConsumerCasesOptions {
  name: string;
  /** A replica on the backend's shared data (every call opens another one on the same data). */
  open(): Promise<ConsumerReplica>;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;
const quiet = () => {};

/**
 * The behaviours every consumer store shows with `runConsumer`: catch-up from the stored
 * offset after a restart, at-least-once replay, backpressure, dead letters and their
 * retry, one driver at a time, and fencing.
 *
 * @example
 * runConsumerCases({ name: 'memory', open: async () => ({ store, consumers, close }) });
 */
export function runConsumerCases(options: ConsumerCasesOptions): void {
  // A bound for a loaded machine (several processes, fsyncs, lease polls), not a speed check.
  describe(`consumer cases: ${options.name}`, { timeout: 30_000 }, () => {
    const opened: ConsumerReplica[] = [];
    const open = async () => {
      const replica = await options.open();
      opened.push(replica);
      return replica;
    };
    afterEach(async () => {
      for (const replica of opened.splice(0)) await replica.close();
    });

    it('catches up, follows live, and resumes from the stored offset after a restart', async () => {
      const space = unique('space');
      const name = unique('reader');
      const a = await open();
      await a.store.push(space, run('s', 1, 250));
      const seen: number[] = [];
      const handle = ({ events }: { events: PositionedEnvelope[] }) => {
        for (const e of events) seen.push(e.position);
      };
      const first = runConsumer({ ...a, name, spaces: [space], batchSize: 100, handle, onError: quiet });
      await first.waitFor(space, 250);
      await a.store.push(space, run('s', 251, 260)); // live, after catching up
      await first.waitFor(space, 260);
      await first.stop();
      await a.store.push(space, run('s', 261, 300)); // while nobody runs
      const b = await open();
      const second = runConsumer({ ...b, name, spaces: [space], handle, onError: quiet });
      await second.waitFor(space, 300);
      await second.stop();
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect((await b.consumers.checkpoints(name)).get(space)?.position).toBe(300);
    });

    it('follows several spaces, each with its own offset, taking turns', async () => {
      const [one, two] = [unique('space'), unique('space')];
      const name = unique('multi');
      const r = await open();
      await r.store.push(one, run('s', 1, 30));
      await r.store.push(two, run('s', 1, 5));
      const seen: string[] = [];
      const consumer = runConsumer({
        ...r,
        name,
        spaces: [one, two],
        batchSize: 10,
        onError: quiet,
        handle: ({ space, events }) => {
          seen.push(`${space === one ? 'one' : 'two'}:${events[0]!.position}-${events.at(-1)!.position}`);
        },
      });
      await Promise.all([consumer.waitFor(one, 30), consumer.waitFor(two, 5)]);
      await consumer.stop();
      expect(seen).toEqual(['one:1-10', 'two:1-5', 'one:11-20', 'one:21-30']);
      const checkpoints = await r.consumers.checkpoints(name);
      expect([checkpoints.get(one)?.position, checkpoints.get(two)?.position]).toEqual([30, 5]);
    });

    it('stop lets the batch in hand finish and stores its offset', async () => {
      const space = unique('space');
      const name = unique('stopping');
      const r = await open();
      await r.store.push(space, run('s', 1, 20));
      let entered!: () => void;
      const inHandler = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let aborted = false;
      const consumer = runConsumer({
        ...r,
        name,
        spaces: [space],
        batchSize: 8,
        onError: quiet,
        async handle({ signal }) {
          entered();
          await gate;
          aborted = signal.aborted;
        },
      });
      await inHandler;
      const stopped = consumer.stop();
      release();
      await stopped;
      expect(aborted).toBe(true);
      expect((await r.consumers.checkpoints(name)).get(space)?.position).toBe(8);
      expect(consumer.status().driving).toBe(false);
      // Released: another process takes the lease at once.
      expect(await r.consumers.acquire(name, 'next', 10_000)).toBeTypeOf('number');
    });

    it('at least once: a failure between the handler and the offset commit replays the batch', async () => {
      const space = unique('space');
      const name = unique('replay');
      const r = await open();
      await r.store.push(space, run('s', 1, 30));
      let failNext = true;
      const consumers: ConsumerStore<unknown> = {
        ...r.consumers,
        async commit(...args) {
          if (failNext) {
            failNext = false;
            throw new Error('connection lost before the offset was stored');
          }
          return r.consumers.commit(...args);
        },
      };
      const seen: number[] = [];
      const errors: unknown[] = [];
      const consumer = runConsumer({
        store: r.store,
        consumers,
        name,
        spaces: [space],
        batchSize: 10,
        retry: { baseMs: 1 },
        onError: (e) => errors.push(e),
        handle: ({ events }) => {
          for (const e of events) seen.push(e.position);
        },
      });
      await consumer.waitFor(space, 30);
      await consumer.stop();
      // The first batch was handled, its offset not stored: handled again, then the rest once.
      expect(seen).toEqual([
        ...Array.from({ length: 10 }, (_, i) => i + 1),
        ...Array.from({ length: 30 }, (_, i) => i + 1),
      ]);
      expect(errors).toHaveLength(1);
    });

    it('backpressure: a slow handler and a fast producer, never more than one batch read ahead', async () => {
      const space = unique('space');
      const name = unique('slow');
      const r = await open();
      let pulled = 0;
      let handled = 0;
      let mostAhead = 0;
      const store: ServerEventStore = {
        ...r.store,
        async pull(s, o) {
          const page = await r.store.pull(s, o);
          pulled += page.events.length;
          mostAhead = Math.max(mostAhead, pulled - handled);
          return page;
        },
      };
      const batchSize = 25;
      const consumer = runConsumer({
        store,
        consumers: r.consumers,
        name,
        spaces: [space],
        batchSize,
        onError: quiet,
        async handle({ events }) {
          for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve)); // slow
          handled += events.length;
        },
      });
      for (let i = 0; i < 40; i++) await r.store.push(space, run(`p${i}`, 1, 25));
      await consumer.waitFor(space, 1000);
      await consumer.stop();
      expect(handled).toBe(1000);
      expect(mostAhead).toBeLessThanOrEqual(batchSize);
    });

    it('parks a batch that keeps failing as a dead letter, goes on, and retries it when asked', async () => {
      const space = unique('space');
      const name = unique('poison');
      const r = await open();
      await r.store.push(space, [pushed('a', 1), pushed('a', 2, { type: 'poison' }), pushed('a', 3)]);
      let healed = false;
      let poisonHandled = 0;
      const seen: number[] = [];
      const consumer = runConsumer({
        ...r,
        name,
        spaces: [space],
        batchSize: 1,
        retry: { attempts: 3, baseMs: 1 },
        pollMs: 20,
        onError: quiet,
        handle({ events }) {
          for (const e of events) {
            if (e.type === 'poison' && !healed)
              throw Object.assign(new Error('bad event'), { code: 'BAD_EVENT' });
            if (e.type === 'poison') poisonHandled++;
            seen.push(e.position);
          }
        },
      });
      await consumer.waitFor(space, 3);
      expect(seen).toEqual([1, 3]);
      const [letter, ...others] = await r.consumers.deadLetters(name);
      expect(others).toEqual([]);
      expect(letter).toMatchObject({
        consumer: name,
        space,
        fromPosition: 2,
        toPosition: 2,
        attempts: 3,
        retryRequested: false,
        error: { code: 'BAD_EVENT', message: 'bad event' },
      });
      expect(await r.consumers.requestRetry(letter!.id + 1000)).toBe(false);
      healed = true;
      expect(await r.consumers.requestRetry(letter!.id)).toBe(true);
      await until(async () => (await r.consumers.deadLetters(name)).length === 0, { what: 'the retry' });
      await consumer.stop();
      expect(poisonHandled).toBe(1);
      expect(seen).toEqual([1, 3, 2]);
    });

    it('one replica drives at a time; when it stops, another takes over from its offset', async () => {
      const space = unique('space');
      const name = unique('shared');
      const [a, b] = [await open(), await open()];
      const handledBy: string[] = [];
      const start = (r: ConsumerReplica, who: string) =>
        runConsumer({
          ...r,
          name,
          spaces: [space],
          batchSize: 5,
          lease: { ttlMs: 4000 }, // long: a loaded machine must not expire it while a drives
          onError: quiet,
          handle: ({ events }) => {
            for (const _ of events) handledBy.push(who);
          },
        });
      const first = start(a, 'a');
      await a.store.push(space, run('s', 1, 20));
      await first.waitFor(space, 20);
      const second = start(b, 'b');
      await a.store.push(space, run('s', 21, 40));
      await first.waitFor(space, 40);
      expect(second.status().driving).toBe(false);
      await first.stop();
      await b.store.push(space, run('s', 41, 50));
      await second.waitFor(space, 50);
      await second.stop();
      expect(handledBy).toEqual([...Array(40).fill('a'), ...Array(10).fill('b')]);
    });

    it('fencing: a lease holder that stalled past its lease cannot move the offset', async () => {
      const name = unique('fenced');
      const space = unique('space');
      const r = await open();
      const stale = await r.consumers.acquire(name, 'stalled', 30_000);
      expect(stale).toBeTypeOf('number');
      expect(await r.consumers.acquire(name, 'other', 30_000)).toBeUndefined();
      // The holder stalls: its last renewal was for one millisecond.
      expect(await r.consumers.renew(name, stale!, 1)).toBe(true);
      let fresh: number | undefined;
      await until(
        async () => {
          fresh = await r.consumers.acquire(name, 'other', 30_000);
          return fresh !== undefined;
        },
        { what: 'the lease to expire' },
      );
      expect(fresh).toBeGreaterThan(stale!);
      await expect(
        r.consumers.commit(name, stale!, { kind: 'offset', space, position: 9 }),
      ).rejects.toMatchObject({
        code: 'LEASE_LOST',
      });
      const error = { name: 'Error', code: 'X', message: 'x' };
      await expect(
        r.consumers.park(name, stale!, { space, fromPosition: 1, toPosition: 9, attempts: 1, error }),
      ).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect(await r.consumers.renew(name, stale!, 30_000)).toBe(false);
      expect((await r.consumers.checkpoints(name)).get(space)).toBeUndefined();
      await r.consumers.commit(name, fresh!, { kind: 'offset', space, position: 4 });
      expect((await r.consumers.checkpoints(name)).get(space)?.position).toBe(4);
      await r.consumers.release(name, stale!); // no effect: not the holder
      expect(await r.consumers.acquire(name, 'third', 30_000)).toBeUndefined();
      await r.consumers.release(name, fresh!);
      expect(await r.consumers.acquire(name, 'third', 30_000)).toBeGreaterThan(fresh!);
    });
  });
}
