import {
  ConcurrencyError,
  DomainError,
  defineAggregate,
  MemoryEventStore,
  type StandardSchemaV1,
  StorageUnavailableError,
  snapshotKey,
} from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { withMemoryFallback } from './memory-fallback.js';
import { createTidelog } from './runtime.js';
import { Counter, Log } from './test-fixtures.js';
import { ManualTimers } from './timers.js';
import type { AggregateSnapshot } from './types.js';

describe('execute', () => {
  it('decides on the current state, appends, and returns events, state and version', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 2 });
    const result = await tidelog.execute(Counter, 'c-1', 'increment', { by: 3 });
    expect(result.state).toEqual({ count: 5 });
    expect(result.version).toBe(2);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ type: 'Incremented', data: { by: 3 }, version: 2, position: 2 });
    expect(result.events[0]!.meta.commandId).toBeTypeOf('string');
    expect(await store.readStream('c-1')).toHaveLength(2);
  });

  it('returns a domain error typed, with its code, and writes nothing', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    const error = await tidelog.execute(Counter, 'c-1', 'decrement', { by: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'INSUFFICIENT', data: { count: 1 } });
    expect(await store.streamVersion('c-1')).toBe(1);
    expect(tidelog.getSnapshot(Counter, 'c-1')).toMatchObject({ state: { count: 1 }, version: 1 });
  });

  it('refuses a command whose expectedVersion is stale, writing nothing', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    const error = await tidelog
      .execute(Counter, 'c-1', 'increment', { by: 1 }, { expectedVersion: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 0, actualVersion: 1 });
    expect(await store.streamVersion('c-1')).toBe(1);
  });

  it('writes nothing and changes nothing for a command that emits no events', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    const result = await tidelog.execute(Counter, 'c-1', 'reset');
    expect(result).toMatchObject({ events: [], state: { count: 0 }, version: 0 });
  });

  it('copies metadata into each event and ctx, and mints correlation and causation ids', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    const { events } = await tidelog.execute(
      Counter,
      'c-1',
      'incrementMany',
      { times: 2 },
      { metadata: { user: 'ann' } },
    );
    const commandId = events[0]!.meta.commandId;
    for (const e of events) {
      expect(e.meta).toMatchObject({
        user: 'ann',
        commandId,
        correlationId: commandId,
        causationId: commandId,
      });
      expect(e.meta.clientId).toBe(tidelog.clientId);
    }
  });

  it('decides again on fresh state when another writer appended to the stream meanwhile', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    // A second runtime on the same store (another tab without a shared worker) writes directly.
    await store.appendToStream('c-1', [{ type: 'Incremented', data: { by: 10 } }], { expectedVersion: 1 });
    const result = await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect(result).toMatchObject({ state: { count: 12 }, version: 3 });
  });
});

/** A Standard Schema whose validation waits for a gate the test opens. */
function gatedSchema(): {
  schema: StandardSchemaV1<unknown, { by: number }>;
  open: () => void;
  entered: Promise<void>;
} {
  let open!: () => void;
  let enter!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const entered = new Promise<void>((r) => {
    enter = r;
  });
  const schema: StandardSchemaV1<unknown, { by: number }> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: async (value) => {
        enter();
        await gate;
        return { value: value as { by: number } };
      },
    },
  };
  return { schema, open, entered };
}

describe('mailbox', () => {
  it('runs commands for one stream one after another, and other streams meanwhile', async () => {
    const gated = gatedSchema();
    const Slow = defineAggregate({
      type: 'slow',
      initialState: { seen: [] as number[] },
      events: {
        Added: (s, e: { by: number }) => {
          s.seen.push(e.by);
        },
      },
      schemas: { Added: gated.schema },
      commands: {
        add: (s, p: { by: number }) => ({ type: 'Added', data: { by: p.by * 10 + s.seen.length } }),
      },
    });
    const Fast = defineAggregate({ ...Counter, type: 'fast' });
    const tidelog = await createTidelog({ aggregates: [Slow, Fast], store: () => new MemoryEventStore() });
    const settledOrder: string[] = [];
    const first = tidelog.execute(Slow, 's-1', 'add', { by: 1 });
    const second = tidelog.execute(Slow, 's-1', 'add', { by: 2 });
    void first.then(() => settledOrder.push('first'));
    void second.then(() => settledOrder.push('second'));
    await gated.entered;
    // The first command is stuck in validation; another stream is not held up by it.
    expect(await tidelog.execute(Fast, 'f-1', 'increment', { by: 1 })).toMatchObject({ version: 1 });
    expect(settledOrder).toEqual([]);
    gated.open();
    expect((await first).state.seen).toEqual([10]);
    // The second decided on the state the first left: it saw one event.
    expect((await second).state.seen).toEqual([10, 21]);
    expect(settledOrder).toEqual(['first', 'second']);
  });

  it('keeps a stream consistent under many concurrent commands', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => tidelog.execute(Counter, 'c-1', 'increment', { by: 1 })),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    expect(tidelog.getSnapshot(Counter, 'c-1')).toMatchObject({ state: { count: 50 }, version: 50 });
  });
});

describe('state cache', () => {
  it('evicts idle states and reloads them transparently', async () => {
    const timers = new ManualTimers();
    const tidelog = await createTidelog({
      aggregates: [Counter],
      idleTimeoutMs: 1000,
      timers,
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect(tidelog.debug().cachedStreams).toBe(1);
    timers.advance(999);
    expect(tidelog.debug().cachedStreams).toBe(1);
    timers.advance(1);
    expect(tidelog.debug().cachedStreams).toBe(0);
    expect(tidelog.getSnapshot(Counter, 'c-1')).toBeUndefined();
    expect(await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 })).toMatchObject({
      state: { count: 2 },
      version: 2,
    });
  });

  it('keeps subscribed states, and evicts them once the last listener leaves', async () => {
    const timers = new ManualTimers();
    const tidelog = await createTidelog({
      aggregates: [Counter],
      idleTimeoutMs: 1000,
      timers,
      store: () => new MemoryEventStore(),
    });
    const seen: AggregateSnapshot<{ count: number }>[] = [];
    const off = tidelog.subscribe(Counter, 'c-1', (s) => seen.push(s));
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    timers.advance(5000);
    expect(tidelog.debug().cachedStreams).toBe(1);
    off();
    timers.advance(1000);
    expect(tidelog.debug().cachedStreams).toBe(0);
    expect(tidelog.debug().listeners).toBe(0);
  });

  it('use postpones eviction', async () => {
    const timers = new ManualTimers();
    const tidelog = await createTidelog({
      aggregates: [Counter],
      idleTimeoutMs: 1000,
      timers,
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    timers.advance(800);
    await tidelog.load(Counter, 'c-1');
    timers.advance(800);
    expect(tidelog.debug().cachedStreams).toBe(1);
  });
});

describe('subscribe', () => {
  it('delivers the current state, then every new one, until unsubscribed', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    const seen: number[] = [];
    let first!: () => void;
    const delivered = new Promise<void>((r) => {
      first = r;
    });
    const off = tidelog.subscribe(Counter, 'c-1', (s) => {
      seen.push(s.state.count);
      first();
    });
    await delivered;
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 2 });
    off();
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 4 });
    expect(seen).toEqual([1, 3]);
    expect(tidelog.getSnapshot(Counter, 'c-1')).toMatchObject({ state: { count: 7 }, version: 3 });
  });

  it('sees events another writer appended to the store', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    const seen: number[] = [];
    tidelog.subscribe(Counter, 'c-1', (s) => seen.push(s.version));
    await tidelog.settled();
    await store.appendToStream('c-1', [{ type: 'Incremented', data: { by: 1 } }]);
    expect(seen).toEqual([1, 2]);
    expect(tidelog.getSnapshot(Counter, 'c-1')?.state).toEqual({ count: 2 });
  });

  it('returns the same snapshot object while nothing changed (for useSyncExternalStore)', async () => {
    const tidelog = await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() });
    await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect(tidelog.getSnapshot(Counter, 'c-1')).toBe(tidelog.getSnapshot(Counter, 'c-1'));
  });
});

describe('load', () => {
  it('loads as of a version or a time', async () => {
    const timers = new ManualTimers(Date.parse('2026-01-01T00:00:00.000Z'));
    const tidelog = await createTidelog({
      aggregates: [Counter],
      timers,
      store: () => new MemoryEventStore(),
    });
    for (let i = 0; i < 5; i++) {
      await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 });
      timers.advance(60_000);
    }
    expect(await tidelog.load(Counter, 'c-1')).toMatchObject({ state: { count: 5 }, version: 5 });
    expect(await tidelog.load(Counter, 'c-1', { asOfVersion: 2 })).toMatchObject({
      state: { count: 2 },
      version: 2,
    });
    expect(await tidelog.load(Counter, 'c-1', { asOfTime: '2026-01-01T00:02:30.000Z' })).toMatchObject({
      state: { count: 3 },
      version: 3,
    });
  });

  it('saves a snapshot every N events and loads from it in a new runtime', async () => {
    const store = new MemoryEventStore();
    const first = await createTidelog({ aggregates: [Counter], store, snapshotEvery: 10 });
    for (let i = 0; i < 25; i++) await first.execute(Counter, 'c-1', 'increment', { by: 1 });
    expect((await store.getSnapshot(snapshotKey(Counter, 'c-1')))?.version).toBe(20);
    // A tampered snapshot proves the next load starts from it rather than from version 1.
    const snap = (await store.getSnapshot(snapshotKey(Counter, 'c-1')))!;
    await store.putSnapshot({ ...snap, state: { count: 1000 } });
    const second = await createTidelog({ aggregates: [Counter], store });
    expect(await second.load(Counter, 'c-1')).toMatchObject({ state: { count: 1005 }, version: 25 });
  });
});

describe('storage that cannot open', () => {
  const unavailable = () => {
    throw new StorageUnavailableError('IndexedDB is not available in private mode');
  };

  it('rejects with STORAGE_UNAVAILABLE, saying how to opt in to memory', async () => {
    const error = await createTidelog({ aggregates: [Counter], store: unavailable }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const { message, cause } = error as StorageUnavailableError;
    expect(message).toContain('IndexedDB is not available in private mode');
    expect(message).toContain('withMemoryFallback');
    expect(cause).toMatchObject({ message: 'IndexedDB is not available in private mode' });
  });

  it('falls back to memory with withMemoryFallback, and reports it', async () => {
    const warnings: string[] = [];
    const tidelog = await createTidelog({
      aggregates: [Counter],
      store: withMemoryFallback(unavailable),
      onWarning: (w) => warnings.push(w.code),
    });
    expect(tidelog.storage).toBe('memory');
    expect(warnings).toEqual(['STORAGE_FALLBACK']);
    expect(tidelog.warnings[0]).toMatchObject({
      code: 'STORAGE_FALLBACK',
      error: { code: 'STORAGE_UNAVAILABLE' },
    });
    expect(await tidelog.execute(Counter, 'c-1', 'increment', { by: 1 })).toMatchObject({ version: 1 });
    await tidelog.close();
  });

  it('opens the store as usual with withMemoryFallback when it can', async () => {
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Counter], store: withMemoryFallback(() => store) });
    expect(tidelog.store).toBe(store);
    expect(tidelog.warnings).toEqual([]);
    await tidelog.close();
  });

  it('does not hide other errors of the store, with or without the fallback', async () => {
    const onFire = async () => {
      throw new Error('disk on fire');
    };
    await expect(createTidelog({ aggregates: [Counter], store: onFire })).rejects.toThrow('disk on fire');
    const fallback = createTidelog({ aggregates: [Counter], store: withMemoryFallback(onFire) });
    await expect(fallback).rejects.toThrow('disk on fire');
  });
});

describe('replayable decisions', () => {
  it('keeps ctx.now and ctx.commandId in the outbox entry of a pending command', async () => {
    const timers = new ManualTimers(Date.parse('2026-03-01T12:00:00.000Z'));
    const store = new MemoryEventStore();
    const tidelog = await createTidelog({ aggregates: [Log], store, pending: true, timers });
    const { events } = await tidelog.execute(Log, 'l-1', 'write', { line: 'hello' });
    const [entry] = await store.readOutbox();
    expect(entry).toMatchObject({
      aggregateType: 'log',
      streamId: 'l-1',
      command: 'write',
      payload: { line: 'hello' },
      baseVersion: 0,
      timestamp: '2026-03-01T12:00:00.000Z',
      commandId: events[0]!.meta.commandId,
      eventIds: [events[0]!.id],
    });
    expect(events[0]!.data).toMatchObject({ at: '2026-03-01T12:00:00.000Z', commandId: entry!.commandId });
    expect(events[0]!.position).toBeUndefined();
  });
});
