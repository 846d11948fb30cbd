/**
 * One "server process" of the failover test (failover.pg.test.ts): a store, a consumer
 * store and an exactly-once consumer on the shared schema. Each batch is written, with
 * the worker's name and its fence token, to `handled` in the offset's transaction. Prints
 * "ready" once running. Run with `node --conditions=source --import tsx failover-worker.ts`;
 * configured by env.
 */
import type { TransactionSql } from 'postgres';
import { createPostgresServerStore } from '../../store/postgres/store.js';
import { runConsumer } from '../run-consumer.js';
import { createPostgresConsumerStore } from './store.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`failover worker: ${name} is not set`);
  return value;
};
const url = env('DATABASE_URL');
const schema = env('FAILOVER_SCHEMA');
const worker = env('FAILOVER_WORKER');
const store = await createPostgresServerStore({ url, schema, max: 2 });
const consumers = await createPostgresConsumerStore({ url, schema, max: 2 });
const consumer = runConsumer({
  store,
  consumers,
  name: 'failover',
  spaces: [env('FAILOVER_SPACE')],
  batchSize: 10,
  lease: { ttlMs: Number(env('FAILOVER_TTL_MS')) },
  onError: () => {},
  async handleInTransaction({ events }, tx: TransactionSql) {
    const fence = consumer.status().fence ?? 0;
    for (const e of events) {
      await tx`INSERT INTO ${tx(`${schema}.handled`)} (id, position, worker, fence)
        VALUES (${e.id}, ${e.position}, ${worker}, ${fence})`;
    }
  },
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void consumer.stop().then(async () => {
    await Promise.all([consumers.close(), store.close()]);
    process.exit(0);
  });
});
