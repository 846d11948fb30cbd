import { describe, expect, it } from 'vitest';
import { loadAggregate } from './load-aggregate.js';
import { MemoryEventStore } from './memory-event-store.js';
import { snapshotKey } from './snapshot.js';
import { Cart } from './test-fixtures.js';
import { uuidv7 } from './uuid.js';

const add = (sku: string, qty = 1) => ({ type: 'ItemAdded', data: { sku, qty } });

async function cartWith(n: number) {
  const store = new MemoryEventStore();
  for (let i = 0; i < n; i++) {
    await store.appendToStream('cart-1', [
      { ...add('a'), meta: { timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() } },
    ]);
  }
  return store;
}

describe('loadAggregate', () => {
  it('folds the whole stream', async () => {
    const store = await cartWith(5);
    const loaded = await loadAggregate(store, Cart, 'cart-1');
    expect([loaded.state.items.a, loaded.version, loaded.fromSnapshot]).toEqual([5, 5, 0]);
  });

  it('reads an unknown stream as the initial state at version 0', async () => {
    const loaded = await loadAggregate(new MemoryEventStore(), Cart, 'nobody');
    expect([loaded.state, loaded.version]).toEqual([Cart.initialState, 0]);
  });

  it('travels to a version and to a time', async () => {
    const store = await cartWith(10);
    expect((await loadAggregate(store, Cart, 'cart-1', { asOfVersion: 3 })).state.items.a).toBe(3);
    const t = new Date(Date.UTC(2026, 0, 1, 0, 0, 6)).toISOString();
    const asOfTime = await loadAggregate(store, Cart, 'cart-1', { asOfTime: t });
    expect([asOfTime.state.items.a, asOfTime.version]).toEqual([7, 7]);
  });

  it('saves snapshots by policy and starts from them', async () => {
    const store = await cartWith(25);
    const first = await loadAggregate(store, Cart, 'cart-1', { snapshotPolicy: { every: 10 } });
    expect(first.fromSnapshot).toBe(0);
    expect((await store.getSnapshot(snapshotKey(Cart, 'cart-1')))?.version).toBe(25);
    await store.appendToStream('cart-1', [add('b', 2)]);
    const second = await loadAggregate(store, Cart, 'cart-1', { snapshotPolicy: { every: 10 } });
    expect([second.fromSnapshot, second.version, second.state.items]).toEqual([25, 26, { a: 25, b: 2 }]);
  });

  it('does not use a snapshot past the requested version, nor one of other code', async () => {
    const store = await cartWith(20);
    await loadAggregate(store, Cart, 'cart-1', { snapshotPolicy: { every: 5 } });
    const past = await loadAggregate(store, Cart, 'cart-1', { asOfVersion: 4 });
    expect([past.fromSnapshot, past.state.items.a]).toEqual([0, 4]);
    const CartV2 = { ...Cart, snapshotVersion: 2 };
    expect(snapshotKey(CartV2, 'cart-1')).not.toBe(snapshotKey(Cart, 'cart-1'));
    const fresh = await loadAggregate(store, CartV2, 'cart-1');
    expect(fresh.fromSnapshot).toBe(0);
  });

  it('snapshots confirmed events only, never pending ones', async () => {
    const store = await cartWith(10);
    await store.appendPending('cart-1', [add('p', 1)], {
      command: {
        commandId: uuidv7(),
        aggregateType: 'cart',
        streamId: 'cart-1',
        command: 'add',
        payload: {},
        baseVersion: 10,
        eventIds: [],
        timestamp: new Date().toISOString(),
        metadata: {},
      },
    });
    const loaded = await loadAggregate(store, Cart, 'cart-1', { snapshotPolicy: { every: 5 } });
    expect(loaded.state.items).toEqual({ a: 10, p: 1 });
    const snap = await store.getSnapshot(snapshotKey(Cart, 'cart-1'));
    expect([snap?.version, snap?.state]).toEqual([10, { items: { a: 10 }, checkedOut: false }]);
  });

  it('counts unknown events it passed over', async () => {
    const store = new MemoryEventStore();
    await store.appendToStream('x', [add('a'), { type: 'Mystery', data: {} }]);
    expect((await loadAggregate(store, Cart, 'x')).unknown).toBe(1);
  });
});
