import { MemoryEventStore } from '@tidelog/core';
import { describe, expect, it, vi } from 'vitest';
import { createTidelog } from '../runtime.js';
import type { SyncHost, SyncOptions } from '../sync/host.js';
import { Counter } from '../test-fixtures.js';

const engine = vi.hoisted(() => ({
  calls: [] as { host: unknown; options: unknown }[],
  closed: 0,
}));

// The sync loop itself is built elsewhere: here only the runtime's side of the seam.
vi.mock('../sync/engine.js', () => ({
  createSyncEngine: (host: SyncHost, options: SyncOptions) => {
    engine.calls.push({ host, options });
    const status = { state: 'idle' as const, pending: 0, rejected: 0, cursor: 0, head: 0 };
    return {
      status,
      subscribe: () => () => undefined,
      getSnapshot: () => status,
      now: async () => status,
      pause: () => undefined,
      resume: () => undefined,
      close: async () => {
        engine.closed++;
      },
    };
  },
}));

describe('createTidelog({ sync })', () => {
  it('turns pending mode on, hands itself to the sync loop as its host, and closes the loop on close', async () => {
    const options = { url: 'https://sync.example.com', space: 'team-1' };
    const t = await createTidelog({
      aggregates: [Counter],
      sync: options,
      store: () => new MemoryEventStore(),
    });
    expect(engine.calls).toEqual([{ host: t, options }]);
    expect(await t.sync.now()).toMatchObject({ state: 'idle' });
    await t.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect((await t.store.readOutbox()).map((o) => o.command)).toEqual(['increment']);
    expect(await t.counts()).toEqual({ pending: 1, rejected: 0 });
    await t.close();
    expect(engine.closed).toBe(1);
  });
});
