import 'fake-indexeddb/auto';
import type { PositionedEnvelope } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { withMemoryFallback } from './memory-fallback.js';
import { createTidelog } from './runtime.js';
import { Counter, Totals } from './test-fixtures.js';

describe('runtime on IndexedDB (fake-indexeddb)', () => {
  it('persists commands, projections and snapshots across runtimes', async () => {
    const indexedDB = new IDBFactory();
    const open = () => openIdbEventStore({ name: 'app', indexedDB });
    const options = { aggregates: [Counter], projections: [Totals], snapshotEvery: 5, checkpointEvery: 1 };
    const first = await createTidelog({ ...options, store: open });
    expect(first.storage).toBe('indexeddb');
    for (let i = 0; i < 7; i++) await first.execute(Counter, 'c-1', 'increment', { by: 1 });
    const error = await first.execute(Counter, 'c-1', 'decrement', { by: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INSUFFICIENT' });
    await first.close();

    const second = await createTidelog({ ...options, store: open });
    expect(second.clientId).toBe(first.clientId);
    expect(await second.load(Counter, 'c-1')).toMatchObject({ state: { count: 7 }, version: 7 });
    expect(second.getProjection(Totals)).toMatchObject({ state: { total: 7 }, checkpoint: 7 });
    expect((await second.store.getSnapshot('counter@1:c-1'))?.version).toBe(5);
    await second.close();
  });

  it('does not start when IndexedDB is missing, unless asked to fall back to memory', async () => {
    const open = () => openIdbEventStore({ name: 'app', indexedDB: undefined });
    const failed = createTidelog({ aggregates: [Counter], store: open });
    await expect(failed).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/IndexedDB is not available.*withMemoryFallback/),
    });
    const tidelog = await createTidelog({ aggregates: [Counter], store: withMemoryFallback(open) });
    expect(tidelog.storage).toBe('memory');
    expect(tidelog.warnings.map((w) => w.code)).toEqual(['STORAGE_FALLBACK']);
    await tidelog.close();
  });

  it('keeps the pending overlay and confirms it', async () => {
    const store = await openIdbEventStore({ name: 'pending', indexedDB: new IDBFactory() });
    const tidelog = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store,
      pending: true,
    });
    const { events } = await tidelog.execute(Counter, 'c-1', 'increment', { by: 2 });
    await tidelog.settled();
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 2 }, checkpoint: 0, pending: 1 });
    expect(await store.readOutbox()).toHaveLength(1);
    await tidelog.confirm(events.map((e) => ({ ...e, position: 1 }) as PositionedEnvelope));
    await tidelog.settled();
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 2 }, checkpoint: 1, pending: 0 });
    expect(await store.readOutbox()).toEqual([]);
    await tidelog.close();
    await store.close();
  });
});
