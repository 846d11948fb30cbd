import { describe, expect, it } from 'vitest';
import { MemoryEventStore } from './memory-event-store.js';
import { defineProjection, foldProjection, runProjection } from './projection.js';

const Totals = defineProjection({
  name: 'totals',
  initialState: { qty: 0, carts: [] as string[] },
  events: {
    ItemAdded: (s, e: { qty: number }, env) => {
      s.qty += e.qty;
      if (!s.carts.includes(env.streamId)) s.carts.push(env.streamId);
    },
  },
});

describe('projections', () => {
  it('fold all streams from a checkpoint, page by page', async () => {
    const store = new MemoryEventStore();
    for (let i = 0; i < 25; i++) {
      await store.appendToStream(`cart-${i % 3}`, [
        { type: 'ItemAdded', data: { qty: 1 } },
        { type: 'Other', data: {} },
      ]);
    }
    const full = await runProjection(store, Totals, undefined, 7);
    expect([full.state.qty, full.checkpoint, full.state.carts.length]).toEqual([25, 50, 3]);
    await store.appendToStream('cart-9', [{ type: 'ItemAdded', data: { qty: 5 } }]);
    const next = await runProjection(store, Totals, full);
    expect([next.state.qty, next.checkpoint]).toEqual([30, 51]);
  });

  it('returns the same state when no event concerns it', () => {
    const state = Totals.initialState;
    expect(foldProjection(Totals, state, [])).toBe(state);
  });
});
