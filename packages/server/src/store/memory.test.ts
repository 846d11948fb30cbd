import { describe, expect, it } from 'vitest';
import { pushed } from './conformance/fixtures.js';
import { runServerStoreConformance } from './conformance/index.js';
import { createMemoryServerStore } from './memory.js';

runServerStoreConformance({ name: 'memory server store', newStore: () => createMemoryServerStore() });

describe('memory server store, ids in any order', () => {
  // The store skips id lookups for ids above the greatest one stored: ids that do not grow
  // with time must still be found.
  const id = (n: number) => `0190f5b8-8d5a-7c3e-9a1b-${n.toString(16).padStart(12, '0')}`;

  it('finds duplicates and clashes among ids pushed in descending order', async () => {
    const store = createMemoryServerStore();
    const high = pushed('a', 1, { id: id(900) });
    const low = pushed('b', 1, { id: id(100) });
    await store.push('s', [high]);
    await store.push('s', [low]);
    const again = await store.push('s', [high, low, pushed('c', 1, { id: id(950) })]);
    expect(again.duplicates).toEqual([
      { id: id(900), position: 1 },
      { id: id(100), position: 2 },
    ]);
    expect(again.accepted).toEqual([
      { streamId: 'c', fromVersion: 1, toVersion: 1, fromPosition: 3, toPosition: 3 },
    ]);
    const clash = await store.push('s', [pushed('d', 1, { id: id(100) })]);
    expect(clash.conflicts).toEqual([{ streamId: 'd', expectedVersion: 0, actualVersion: 0, id: id(100) }]);
    expect(await store.head('s')).toBe(3);
  });
});
