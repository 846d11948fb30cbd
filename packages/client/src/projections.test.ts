import { MemoryEventStore, type PositionedEnvelope } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { createTidelog } from './runtime.js';
import { Counter, Totals } from './test-fixtures.js';
import type { ProjectionSnapshot } from './types.js';

type TotalsState = { total: number; events: number };

describe('projections', () => {
  it('catches up on start with events already in the store', async () => {
    const store = new MemoryEventStore();
    await store.appendToStream('a', [{ type: 'Incremented', data: { by: 2 } }]);
    await store.appendToStream('b', [{ type: 'Incremented', data: { by: 3 } }]);
    const tidelog = await createTidelog({ aggregates: [Counter], projections: [Totals], store });
    expect(tidelog.getProjection(Totals)).toMatchObject({
      state: { total: 5, events: 2 },
      checkpoint: 2,
      pending: 0,
    });
  });

  it('follows commands and tells subscribers', async () => {
    const tidelog = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store: () => new MemoryEventStore(),
    });
    const seen: ProjectionSnapshot<TotalsState>[] = [];
    const off = tidelog.subscribeProjection(Totals, (s) => seen.push(s));
    await tidelog.execute(Counter, 'a', 'increment', { by: 4 });
    await tidelog.execute(Counter, 'b', 'incrementMany', { times: 2 });
    await tidelog.settled();
    expect(seen.map((s) => s.state.total)).toEqual([0, 4, 6]);
    expect(tidelog.getProjection<TotalsState>('totals')).toMatchObject({
      state: { total: 6 },
      checkpoint: 3,
    });
    off();
    expect(tidelog.debug().listeners).toBe(0);
  });

  it('resumes from a saved checkpoint instead of replaying everything', async () => {
    const store = new MemoryEventStore();
    const first = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store,
      checkpointEvery: 1,
    });
    await first.execute(Counter, 'a', 'increment', { by: 1 });
    await first.settled();
    expect(await store.getCheckpoint('totals')).toMatchObject({ position: 1, state: { total: 1 } });
    await first.close();
    // Tamper with the saved state: a resumed projection keeps it, a replay would not.
    await store.putCheckpoint({
      name: 'totals',
      position: 1,
      state: { total: 100, events: 1 },
      projectionVersion: 1,
    });
    await store.appendToStream('a', [{ type: 'Incremented', data: { by: 1 } }]);
    const second = await createTidelog({ aggregates: [Counter], projections: [Totals], store });
    expect(second.getProjection(Totals)).toMatchObject({ state: { total: 101 }, checkpoint: 2 });
    await second.rebuildProjection(Totals);
    expect(second.getProjection(Totals)).toMatchObject({ state: { total: 2, events: 2 }, checkpoint: 2 });
  });

  it('shows pending events as an overlay on the confirmed state, and folds them in once confirmed', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store,
      pending: true,
    });
    const { events } = await tidelog.execute(Counter, 'a', 'increment', { by: 5 });
    await tidelog.settled();
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 5 }, checkpoint: 0, pending: 1 });
    // The authority accepts it (as a sync engine would report), then a foreign event arrives.
    const accepted = events.map((e, i) => ({ ...e, position: i + 1 }) as PositionedEnvelope);
    await tidelog.confirm(accepted);
    await tidelog.settled();
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 5 }, checkpoint: 1, pending: 0 });
    expect(await store.readOutbox()).toEqual([]);
    await tidelog.confirm([foreign('b', 1, 2, 7)]);
    await tidelog.settled();
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 12 }, checkpoint: 2, pending: 0 });
  });

  it('rebases displaced commands on the new confirmed state and rejects the ones that now fail', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store,
      pending: true,
    });
    await tidelog.confirm([foreign('a', 1, 1, 3)]);
    const inc = await tidelog.execute(Counter, 'a', 'increment', { by: 1 });
    await tidelog.execute(Counter, 'a', 'decrement', { by: 4 });
    expect(tidelog.getSnapshot(Counter, 'a')).toMatchObject({ state: { count: 0 }, version: 3 });
    // Another device decremented by 2 first: our increment replays, our decrement of 4 no longer fits.
    await tidelog.confirm([{ ...foreign('a', 2, 2, 0), type: 'Decremented', data: { by: 2 } }]);
    await tidelog.settled();
    expect(tidelog.getSnapshot(Counter, 'a')).toMatchObject({ state: { count: 2 }, version: 3 });
    const pending = await store.readPending({ streamId: 'a' });
    expect(pending.map((e) => [e.version, e.type, e.meta.commandId])).toEqual([
      [3, 'Incremented', inc.events[0]!.meta.commandId],
    ]);
    const rejected = await store.readRejected();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ entry: { command: 'decrement' }, error: { code: 'INSUFFICIENT' } });
    expect(tidelog.getProjection(Totals)).toMatchObject({ state: { total: 2 }, checkpoint: 2, pending: 1 });
  });
});

function foreign(streamId: string, version: number, position: number, by: number): PositionedEnvelope {
  return {
    id: crypto.randomUUID(),
    streamId,
    version,
    position,
    type: 'Incremented',
    schemaVersion: 1,
    data: { by },
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other-device' },
  };
}
