/**
 * @module @tidelog/server/consumer
 * Server-side consumers of the event log (offsets, leases with fence tokens, retries and
 * dead letters), server projections, and the in-memory consumer store. The SQLite and
 * PostgreSQL consumer stores live behind `@tidelog/server/sqlite` and `/postgres`.
 */
export { AsyncTransactionError, LeaseLostError } from './errors.js';
export { createMemoryConsumerStore, type MemoryConsumerStoreOptions } from './memory.js';
export type {
  AtLeastOnceOptions,
  ConsumerOptions,
  ConsumerOptionsBase,
  ExactlyOnceOptions,
} from './options.js';
export {
  readServerProjection,
  runServerProjection,
  type ServerProjection,
  type ServerProjectionOptions,
} from './projection.js';
export { serveProjections } from './projection-route.js';
export { type Consumer, runConsumer } from './run-consumer.js';
export type * from './types.js';
