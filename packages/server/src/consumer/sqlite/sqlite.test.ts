import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProjection } from '@tidelog/core';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../store/conformance/fixtures.js';
import { createSqliteServerStore } from '../../store/sqlite/store.js';
import { readServerProjection, runServerProjection } from '../projection.js';
import { runConsumer } from '../run-consumer.js';
import { runConsumerCases } from '../testing/cases.js';
import { createSqliteConsumerStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-consumers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shared = join(dir, 'shared.sqlite');

runConsumerCases({
  name: 'sqlite',
  open: async () => {
    // Inline writer: a writer thread per replica would start a tsx loader per test.
    const store = createSqliteServerStore({ filename: shared, writer: 'inline' });
    const consumers = createSqliteConsumerStore({ filename: shared });
    return {
      store,
      consumers: consumers as never,
      close: async () => {
        await consumers.close();
        await store.close();
      },
    };
  },
});

const quiet = () => {};

describe('sqlite consumers, exactly once', { timeout: 30_000 }, () => {
  it('a handler that fails after writing leaves none of its writes: each event written once', async () => {
    const filename = join(dir, 'exactly-once.sqlite');
    const store = createSqliteServerStore({ filename, writer: 'inline' });
    const consumers = createSqliteConsumerStore({ filename });
    await store.push('shop', run('order', 1, 30));
    let calls = 0;
    const consumer = runConsumer({
      store,
      consumers,
      name: 'read-model',
      spaces: ['shop'],
      batchSize: 7,
      retry: { baseMs: 1 },
      onError: quiet,
      handleInTransaction({ events, attempt }, db: Database.Database) {
        calls++;
        db.exec('CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, position INTEGER NOT NULL)');
        const insert = db.prepare('INSERT INTO seen (id, position) VALUES (?, ?)');
        for (const e of events) insert.run(e.id, e.position);
        // A crash between the handler's writes and the offset commit: both roll back.
        if (attempt === 1 && events.some((e) => e.position === 15)) throw new Error('crash before commit');
      },
    });
    await consumer.waitFor('shop', 30);
    await consumer.stop();
    const db = (consumers as unknown as { db?: Database.Database }).db;
    expect(db).toBeUndefined(); // the connection is not exposed: read through another one
    const reader = createSqliteConsumerStore({ filename });
    const rows: { position: number }[] = [];
    await reader.commit(
      'reader',
      (await reader.acquire('reader', 'r', 10_000))!,
      { kind: 'offset', space: 'x', position: 0 },
      (tx) => {
        rows.push(
          ...(tx.prepare('SELECT position FROM seen ORDER BY position').all() as { position: number }[]),
        );
      },
    );
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(calls).toBe(6); // 5 batches of 7 events, one of them twice
    await Promise.all([reader.close(), consumers.close(), store.close()]);
  });

  it('refuses an asynchronous exactly-once handler and writes nothing', async () => {
    const filename = join(dir, 'async.sqlite');
    const store = createSqliteServerStore({ filename, writer: 'inline' });
    const consumers = createSqliteConsumerStore({ filename });
    await store.push('shop', run('order', 1, 3));
    const consumer = runConsumer({
      store,
      consumers,
      name: 'async',
      spaces: ['shop'],
      onError: quiet,
      async handleInTransaction() {},
    });
    await expect(consumer.done).rejects.toMatchObject({ code: 'ASYNC_TRANSACTION' });
    expect(await consumers.checkpoints('async')).toEqual(new Map());
    await Promise.all([consumers.close(), store.close()]);
  });
});

describe('sqlite server projections', { timeout: 30_000 }, () => {
  const Totals = defineProjection({
    name: 'totals',
    initialState: { count: 0, versions: 0 },
    events: {
      happened: (s, e: { version: number }) => {
        s.count++;
        s.versions += e.version;
      },
    },
  });

  it('stores the state with the offset, resumes from it, and rebuilds on a new version', async () => {
    const filename = join(dir, 'projection.sqlite');
    const store = createSqliteServerStore({ filename, writer: 'inline' });
    const consumers = createSqliteConsumerStore({ filename });
    await store.push('shop', run('a', 1, 10));
    const first = runServerProjection({
      store,
      consumers,
      projection: Totals,
      spaces: ['shop'],
      batchSize: 4,
    });
    await first.waitFor('shop', 10);
    expect(first.current('shop')).toEqual({ state: { count: 10, versions: 55 }, checkpoint: 10 });
    await first.stop();
    expect(await readServerProjection(consumers, Totals, 'shop')).toEqual({
      state: { count: 10, versions: 55 },
      checkpoint: 10,
    });
    await store.push('shop', run('a', 11, 12));
    const again = createSqliteConsumerStore({ filename });
    const second = runServerProjection({ store, consumers: again, projection: Totals, spaces: ['shop'] });
    await second.waitFor('shop', 12);
    await second.stop();
    expect(await readServerProjection(again, Totals, 'shop')).toEqual({
      state: { count: 12, versions: 78 },
      checkpoint: 12,
    });
    // Version 2 counts differently: its stored state is rebuilt from position 0.
    const V2 = defineProjection({
      ...Totals,
      version: 2,
      events: {
        happened: (s) => {
          s.count += 2;
        },
      },
    });
    expect(await readServerProjection(again, V2, 'shop')).toEqual({ state: V2.initialState, checkpoint: 0 });
    const third = runServerProjection({ store, consumers: again, projection: V2, spaces: ['shop'] });
    await third.waitFor('shop', 12);
    await third.stop();
    expect(await readServerProjection(again, V2, 'shop')).toEqual({
      state: { count: 24, versions: 0 },
      checkpoint: 12,
    });
    await Promise.all([again.close(), consumers.close(), store.close()]);
  });
});
