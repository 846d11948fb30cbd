/**
 * A consumer process for the crash tests (crash.slow.test.ts). Its handler records each
 * event in `effects`: outside the offset's transaction (at least once: a separate
 * connection, committed at once) or inside it (exactly once). When a batch holds position
 * CRASH_HANG_AT it prints "hung" after writing and blocks the thread, so the test can
 * `kill -9` it between the handler and the commit. Configured by env; prints "ready".
 */
import { writeSync } from 'node:fs';
import type { ConsumerBatch } from '../types.js';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`crash worker: ${name} is not set`);
  return value;
};
const space = env('CRASH_SPACE');
const hangAt = Number(env('CRASH_HANG_AT'));
const exactlyOnce = env('CRASH_MODE') === 'exactly-once';
const common = { name: 'crash', spaces: [space], batchSize: 10, lease: { ttlMs: 1000 }, onError: () => {} };

/** Block this thread for good: the process dies here, mid-transaction for exactly once. */
const hangIfAsked = ({ events }: ConsumerBatch) => {
  if (!events.some((e) => e.position === hangAt)) return;
  writeSync(1, 'hung\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};

let stop: () => Promise<void>;
if (env('CRASH_BACKEND') === 'sqlite') {
  const { default: Database } = await import('better-sqlite3');
  const { createSqliteConsumerStore, createSqliteServerStore } = await import('../../store/sqlite/index.js');
  const { runConsumer } = await import('../run-consumer.js');
  const file = env('CRASH_FILE');
  const store = createSqliteServerStore({ filename: file });
  const consumers = createSqliteConsumerStore({ filename: file });
  const outside = new Database(file, { timeout: 5000 });
  const record = (db: InstanceType<typeof Database>, batch: ConsumerBatch) => {
    const insert = db.prepare('INSERT INTO effects (position, id) VALUES (?, ?)');
    for (const e of batch.events) insert.run(e.position, e.id);
    hangIfAsked(batch);
  };
  const consumer = exactlyOnce
    ? runConsumer({ ...common, store, consumers, handleInTransaction: (batch, tx) => record(tx, batch) })
    : runConsumer({ ...common, store, consumers, handle: (batch) => record(outside, batch) });
  stop = async () => {
    await consumer.stop();
    outside.close();
    await Promise.all([consumers.close(), store.close()]);
  };
} else {
  const { default: postgres } = await import('postgres');
  const { createPostgresConsumerStore, createPostgresServerStore } = await import(
    '../../store/postgres/index.js'
  );
  const { runConsumer } = await import('../run-consumer.js');
  const url = env('DATABASE_URL');
  const schema = env('CRASH_SCHEMA');
  const store = await createPostgresServerStore({ url, schema, max: 2 });
  const consumers = await createPostgresConsumerStore({ url, schema, max: 2 });
  const outside = postgres(url, { max: 1, onnotice: () => {} });
  const effects = outside(`${schema}.effects`);
  const record = async (db: typeof outside, batch: ConsumerBatch) => {
    for (const e of batch.events)
      await db`INSERT INTO ${effects} (position, id) VALUES (${e.position}, ${e.id})`;
    hangIfAsked(batch);
  };
  const consumer = exactlyOnce
    ? runConsumer({
        ...common,
        store,
        consumers,
        handleInTransaction: (batch, tx) => record(tx as never, batch),
      })
    : runConsumer({ ...common, store, consumers, handle: (batch) => record(outside, batch) });
  stop = async () => {
    await consumer.stop();
    await outside.end({ timeout: 5 });
    await Promise.all([consumers.close(), store.close()]);
  };
}
writeSync(1, 'ready\n');
process.on('SIGTERM', () => {
  void stop().then(() => process.exit(0));
});
