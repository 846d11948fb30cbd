import { defineProjection } from '@tidelog/core';
import postgres, { type TransactionSql } from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../store/conformance/fixtures.js';
import { createPostgresServerStore } from '../../store/postgres/store.js';
import { TEST_DATABASE_URL, testSchemas } from '../../store/postgres/test-database.js';
import { readServerProjection, runServerProjection } from '../projection.js';
import { runConsumer } from '../run-consumer.js';
import { runConsumerCases } from '../testing/cases.js';
import { createPostgresConsumerStore } from './store.js';

const schemas = testSchemas();
afterAll(schemas.dropAll);
const shared = schemas.fresh();

runConsumerCases({
  name: 'postgres',
  open: async () => {
    const store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema: shared, max: 4 });
    const consumers = await createPostgresConsumerStore({ url: TEST_DATABASE_URL, schema: shared, max: 2 });
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

describe('postgres consumers, exactly once', () => {
  it('a handler that fails after writing leaves none of its writes: each event written once', async () => {
    const schema = schemas.fresh();
    const store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
    const consumers = await createPostgresConsumerStore({ url: TEST_DATABASE_URL, schema });
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`CREATE TABLE "${schema}".seen (id text PRIMARY KEY, position bigint NOT NULL)`);
    const seen = sql(`${schema}.seen`);
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
      async handleInTransaction({ events, attempt }, tx: TransactionSql) {
        calls++;
        for (const e of events) await tx`INSERT INTO ${seen} (id, position) VALUES (${e.id}, ${e.position})`;
        // A crash between the handler's writes and the offset commit: both roll back.
        if (attempt === 1 && events.some((e) => e.position === 15)) throw new Error('crash before commit');
      },
    });
    await consumer.waitFor('shop', 30);
    await consumer.stop();
    const rows = await sql<{ position: string }[]>`SELECT position FROM ${seen} ORDER BY position`;
    expect(rows.map((r) => Number(r.position))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(calls).toBe(6);
    await sql.end();
    await Promise.all([consumers.close(), store.close()]);
  });
});

describe('postgres server projections', () => {
  it('stores the state with the offset, readable from another replica', async () => {
    const Totals = defineProjection({
      name: 'totals',
      initialState: { count: 0 },
      events: {
        happened: (s) => {
          s.count++;
        },
      },
    });
    const schema = schemas.fresh();
    const store = await createPostgresServerStore({ url: TEST_DATABASE_URL, schema });
    const consumers = await createPostgresConsumerStore({ url: TEST_DATABASE_URL, schema });
    const other = await createPostgresConsumerStore({ url: TEST_DATABASE_URL, schema });
    await store.push('shop', run('a', 1, 9));
    const projection = runServerProjection({
      store,
      consumers,
      projection: Totals,
      spaces: ['shop'],
      batchSize: 4,
    });
    await projection.waitFor('shop', 9);
    expect(await readServerProjection(other, Totals, 'shop')).toEqual({ state: { count: 9 }, checkpoint: 9 });
    await projection.stop();
    await Promise.all([other.close(), consumers.close(), store.close()]);
  });
});
