import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { pushed } from '../../store/conformance/fixtures.js';
import { runConformanceCase, serverStoreConformanceCases } from '../../store/conformance/index.js';
import type { DurableObjectStateLike } from './storage-types.js';
import { createDurableObjectServerStore } from './store.js';

let objects = 0;

/** Run `fn` inside a Durable Object of its own, with its storage. */
function inFreshObject<R>(fn: (state: DurableObjectStateLike) => Promise<R>): Promise<R> {
  const stub = env.SPACES.get(env.SPACES.idFromName(`store-test-${++objects}`));
  return runInDurableObject(stub, (_instance, state) => fn(state));
}

describe('Durable Object store: the server store conformance suite, in workerd', () => {
  for (const testCase of serverStoreConformanceCases) {
    it(testCase.name, () =>
      inFreshObject((state) =>
        runConformanceCase(testCase, {
          newStore: () => createDurableObjectServerStore(state.storage),
          // Another handle on the same storage: what the object sees after a restart.
          openReplica: async () => createDurableObjectServerStore(state.storage),
        }),
      ),
    );
  }
});

describe('Durable Object store: bounded reads', () => {
  it('cuts a pull page at the byte budget, always keeping one event, and says hasMore', () =>
    inFreshObject(async (state) => {
      const store = createDurableObjectServerStore(state.storage, { maxPageBytes: 3000 });
      const big = 'x'.repeat(1000);
      const events = [1, 2, 3, 4, 5].map((v) => pushed('s', v, { data: { big } }));
      await store.push('t', events);
      const first = await store.pull('t', { after: 0, limit: 100 });
      expect(first.events.map((e) => e.position)).toEqual([1, 2]);
      expect(first.hasMore).toBe(true);
      const tiny = await store.pull('t', { after: 0, limit: 100, maxBytes: 1 });
      expect(tiny.events.map((e) => e.position)).toEqual([1]);
      expect(tiny.hasMore).toBe(true);
      const all = await store.pull('t', { after: 0, limit: 100, maxBytes: 1e9 });
      expect(all.events).toHaveLength(5);
      expect(all.hasMore).toBe(false);
    }));

  it('pages every stream read at the byte budget, and at a limit when asked', () =>
    inFreshObject(async (state) => {
      const store = createDurableObjectServerStore(state.storage, { maxPageBytes: 3000 });
      const big = 'x'.repeat(1000);
      await store.push(
        't',
        [1, 2, 3, 4, 5].map((v) => pushed('s', v, { data: { big } })),
      );
      const page = await store.readStream('t', 's', { fromVersion: 2, limit: 10 });
      expect(page.events.map((e) => e.version)).toEqual([2, 3]);
      expect(page).toMatchObject({ version: 5, hasMore: true });
      const counted = await store.readStream('t', 's', { limit: 2, maxBytes: 1e9 });
      expect(counted.events.map((e) => e.version)).toEqual([1, 2]);
      expect(counted.hasMore).toBe(true);
      const first = await store.readStream('t', 's');
      expect(first.events.map((e) => e.version)).toEqual([1, 2]); // the store's 3000-byte budget
      expect(first).toMatchObject({ version: 5, hasMore: true });
    }));

  it('refuses a page size or budget that is not a positive integer with VALIDATION_ERROR', () =>
    inFreshObject(async (state) => {
      const store = createDurableObjectServerStore(state.storage);
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        await expect(store.pull('t', { after: 0, limit: 10, maxBytes: bad })).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
        });
        await expect(store.readStream('t', 's', { limit: bad })).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
        });
        await expect(store.readStream('t', 's', { maxBytes: bad })).rejects.toMatchObject({
          code: 'VALIDATION_ERROR',
        });
      }
    }));

  it('stores nothing of a push whose data cannot be encoded', () =>
    inFreshObject(async (state) => {
      const store = createDurableObjectServerStore(state.storage);
      const bad = pushed('s', 2, { data: { n: 1n } as never });
      await expect(store.push('t', [pushed('s', 1), bad])).rejects.toThrow();
      expect(await store.head('t')).toBe(0);
    }));
});
