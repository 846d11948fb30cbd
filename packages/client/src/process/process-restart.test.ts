import 'fake-indexeddb/auto';
import type { DeadLetter, LocalEventStore } from '@tidelog/core';
import { openIdbEventStore } from '@tidelog/idb';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTidelog } from '../runtime.js';
import { Counter, Drain, Journal, Log, Mirror, Reserve } from '../test-fixtures.js';
import { dispatchCommandId } from './process-ids.js';
import { barrier, intercept, unannounced } from './process-test-stores.js';

const opened: LocalEventStore[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
});

/** One IndexedDB per test; each call is a new tab's connection to it. */
function database() {
  const indexedDB = new IDBFactory();
  return async () => {
    const store = await openIdbEventStore({ name: 'app', indexedDB });
    opened.push(store);
    return store;
  };
}

const lines = async (store: LocalEventStore, streamId: string) =>
  (await store.readStream(streamId)).map((e) => e.data.line);

describe('process managers across restarts (fake-indexeddb)', () => {
  it('a reaction cut off after its event committed runs on the next start, exactly once', async () => {
    const open = database();
    // First tab: the command commits, but the tab closes before the process manager is told.
    const first = await createTidelog({
      aggregates: [Counter],
      processManagers: [Mirror],
      store: unannounced(await open()),
    });
    await first.settled();
    const { events } = await first.execute(Counter, 'c-1', 'increment', { by: 3 });
    await first.close();
    const before = await open();
    expect(await before.streamVersion('mirror-c-1')).toBe(0);
    await before.close();

    const second = await createTidelog({ aggregates: [Counter], processManagers: [Mirror], store: open });
    await second.settled();
    const mirrored = await second.store.readStream('mirror-c-1');
    expect(mirrored.map((e) => e.data)).toEqual([{ by: 3 }]);
    expect(mirrored[0]!.meta).toMatchObject({
      commandId: dispatchCommandId('mirror', events[0]!.id, 0),
      causationId: events[0]!.id,
      causationDepth: 1,
    });
    // Saved with the reaction's effect (position 1); the mirrored event at position 2 had
    // no reaction with effects, so it moves the stored checkpoint only on close.
    expect(await second.store.getProcessCheckpoint('mirror')).toEqual({
      name: 'mirror',
      position: 1,
      handled: [],
    });
    await second.close();
    const closed = await open();
    expect(await closed.getProcessCheckpoint('mirror')).toEqual({ name: 'mirror', position: 2, handled: [] });
    await closed.close();

    const third = await createTidelog({ aggregates: [Counter], processManagers: [Mirror], store: open });
    await third.settled();
    expect(await third.store.streamVersion('mirror-c-1')).toBe(1);
    await third.close();
  });

  it('missed reactions run in the order their events were made', async () => {
    const open = database();
    const first = await createTidelog({
      aggregates: [Counter, Log],
      processManagers: [Journal],
      store: unannounced(await open()),
    });
    await first.settled();
    await first.execute(Counter, 'a', 'increment', { by: 1 });
    await first.execute(Counter, 'b', 'incrementMany', { times: 2 });
    await first.execute(Counter, 'a', 'increment', { by: 5 });
    await first.close();

    const second = await createTidelog({
      aggregates: [Counter, Log],
      processManagers: [Journal],
      store: open,
    });
    await second.settled();
    // Then live again: a new command's reaction comes after the caught-up ones.
    await second.execute(Counter, 'b', 'increment', { by: 7 });
    await second.settled();
    expect(await lines(second.store, 'journal')).toEqual(['a@1+1', 'b@1+1', 'b@2+1', 'a@2+5', 'b@3+7']);
    await second.close();
  });

  it('a crash between the dispatched command and the checkpoint does not run the command twice', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const open = database();
    const seed = await createTidelog({ aggregates: [Counter], processManagers: [Reserve], store: open });
    await seed.execute(Counter, 'stock', 'increment', { by: 1 });
    await seed.close();

    const store = await open();
    const crash = barrier();
    const tab = await createTidelog({
      aggregates: [Counter],
      processManagers: [Reserve],
      store: intercept(store, {
        putProcessCheckpoint: async (cp) => {
          await crash.wait();
          return store.putProcessCheckpoint(cp);
        },
      }),
    });
    await tab.execute(Counter, 'order-1', 'increment', { by: 1 });
    await crash.reached;
    // The stock command has committed; the tab dies before the checkpoint is written.
    expect(await store.streamVersion('stock')).toBe(2);
    await store.close();
    crash.release();
    await tab.settled();

    const next = await createTidelog({ aggregates: [Counter], processManagers: [Reserve], store: open });
    await next.settled();
    expect(await next.load(Counter, 'stock')).toMatchObject({ state: { count: 0 }, version: 2 });
    expect(await next.deadLetters()).toEqual([]);
    expect((await next.store.getProcessCheckpoint('reserve'))?.position).toBe(2);
    await next.close();
  });

  it('dead letters survive a reopen, keep their error, are not stored twice and can be retried', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const open = database();
    await (await createTidelog({ aggregates: [Counter], processManagers: [Drain], store: open })).close();
    const store = await open();
    const crash = barrier();
    const first = await createTidelog({
      aggregates: [Counter],
      processManagers: [Drain],
      store: intercept(store, {
        putProcessCheckpoint: async (cp) => {
          await crash.wait();
          return store.putProcessCheckpoint(cp);
        },
      }),
    });
    const told: DeadLetter[] = [];
    first.subscribeDeadLetters((l) => told.push(l));
    await first.execute(Counter, 'source', 'increment', { by: 1 });
    // The dead letter is stored, the checkpoint is not: the reaction will run again.
    await crash.reached;
    await store.close();
    crash.release();
    await first.settled();
    expect(told.map((l) => l.error.code)).toEqual(['INSUFFICIENT']);

    const second = await createTidelog({ aggregates: [Counter], processManagers: [Drain], store: open });
    second.subscribeDeadLetters((l) => told.push(l));
    await second.settled();
    const letters = await second.deadLetters();
    expect(letters).toHaveLength(1);
    expect(told).toHaveLength(1);
    expect(letters[0]).toEqual(told[0]);
    expect(letters[0]).toMatchObject({
      processManager: 'drain',
      event: { streamId: 'source', type: 'Incremented', version: 1 },
      dispatch: { aggregateType: 'counter', streamId: 'empty', command: 'decrement', payload: { by: 1 } },
      error: { name: 'DomainError', code: 'INSUFFICIENT', details: { data: { count: 0 } } },
    });
    expect(await second.store.streamVersion('empty')).toBe(0);

    // The app fixes the cause and retries: the command runs under its own derived id.
    await second.execute(Counter, 'empty', 'increment', { by: 1 });
    expect(await second.retryDeadLetter(letters[0]!.id)).toBe(true);
    expect(await second.load(Counter, 'empty')).toMatchObject({ state: { count: 0 }, version: 2 });
    expect((await second.store.readStream('empty'))[1]!.meta.commandId).toBe(letters[0]!.dispatch!.commandId);
    expect(await second.deadLetters()).toEqual([]);
    expect(await second.retryDeadLetter(letters[0]!.id)).toBe(false);
    await second.close();

    const third = await createTidelog({ aggregates: [Counter], processManagers: [Drain], store: open });
    await third.settled();
    expect(await third.deadLetters()).toEqual([]);
    expect(await third.store.streamVersion('empty')).toBe(2);
    await third.close();
  });
});
